#pragma once

// The real API stack in the test process: a temporary SQLite store, Service, ApiServer and the HTTP engine on
// 127.0.0.1 port 0; and a small synchronous client over QNetworkAccessManager. One instance per test.

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>

#include "core/database.h"
#include "core/service.h"
#include "server/api/apiserver.h"
#include "server/http/httpserver.h"

namespace Meterline::Testing
{

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray contentType;
    QByteArray requestId; // the answer's Request-Id header
    QNetworkReply::NetworkError error = QNetworkReply::NoError;

    QString errorCode() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    QString errorField() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString();
    }
};

class ApiTestServer
{
public:
    // accessLog: a file for the API's access log, empty for none. webhookAllowList: the webhook targets allowed
    // beyond public https ones; the tests' receivers are on 127.0.0.1.
    explicit ApiTestServer(int threads = 2,
                           const QString& accessLog = {},
                           const QString& webhookAllowList = QStringLiteral("127.0.0.1"))
    {
        QVERIFY(m_dir.isValid());
        Database::Options options;
        options.durable = false;
        auto db = Database::open(m_dir.filePath(QStringLiteral("api.db")), options);
        QVERIFY2(db.ok(), db.ok() ? "" : qPrintable(db.error().message));
        m_db = std::move(db).value();
        m_service = std::make_unique<Service>(*m_db);
        Api::ApiServer::Options apiOptions;
        apiOptions.accessLog = accessLog;
        QString badAllowList;
        const auto targets = Api::WebhookTargets::fromAllowList(webhookAllowList, &badAllowList);
        QVERIFY2(targets, qPrintable(badAllowList));
        apiOptions.webhookTargets = *targets;
        m_api = std::make_unique<Api::ApiServer>(*m_service, apiOptions);
        m_http = std::make_unique<Http::Server>(m_api->handler(), m_api->limits(), threads);
        QVERIFY(m_http->listen(QHostAddress::LocalHost, 0));
        auto admin = m_service->createApiKey(QStringLiteral("test admin"), KeyScope::Admin);
        QVERIFY(admin.ok());
        m_adminKey = admin->secret;
    }
    ~ApiTestServer()
    {
        stop();
        m_service.reset();
        m_db->releaseThreadConnection();
    }

    // Stops serving and closes the API, which flushes its access log; the store stays open.
    void stop()
    {
        m_http.reset();
        m_api.reset();
    }

    Service& service() { return *m_service; }
    Database& db() { return *m_db; }
    Http::Server& http() { return *m_http; }
    quint16 port() const { return m_http->port(); }
    QString adminKey() const { return m_adminKey; }
    QString key(KeyScope scope)
    {
        auto created = m_service->createApiKey(QStringLiteral("test"), scope);
        return created.ok() ? created->secret : QString();
    }
    QUrl url(const QString& pathAndQuery) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(pathAndQuery));
    }

    // Sends one request and waits (at most 10 s) for the answer. key: empty → the admin key; "-" → none.
    HttpResult request(const QByteArray& method,
                       const QString& pathAndQuery,
                       const QByteArray& body = {},
                       QString key = {},
                       const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        QNetworkRequest req(url(pathAndQuery));
        if (key.isEmpty())
            key = m_adminKey;
        if (key != QLatin1String("-"))
            req.setRawHeader("Authorization", "Bearer " + key.toLatin1());
        if (!body.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        for (const auto& [name, value] : headers)
            req.setRawHeader(name, value);
        QNetworkReply* reply = m_network.sendCustomRequest(req, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        r.requestId = reply->rawHeader("Request-Id");
        r.error = reply->error();
        r.json = QJsonDocument::fromJson(r.body).object();
        reply->deleteLater();
        return r;
    }
    HttpResult get(const QString& path, const QString& key = {}) { return request("GET", path, {}, key); }
    HttpResult post(const QString& path, const QJsonObject& body, const QString& key = {})
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), key);
    }
    HttpResult put(const QString& path, const QJsonObject& body, const QString& key = {})
    {
        return request("PUT", path, QJsonDocument(body).toJson(QJsonDocument::Compact), key);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Service> m_service;
    std::unique_ptr<Api::ApiServer> m_api;
    std::unique_ptr<Http::Server> m_http;
    QString m_adminKey;
    QNetworkAccessManager m_network;
};

} // namespace Meterline::Testing
