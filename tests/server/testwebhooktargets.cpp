// Where webhook deliveries may go (docs/webhooks.md, "Where deliveries may go"): every special-purpose range
// refused at its edges, IPv4 carried in IPv6 judged as IPv4, the allow-list read and applied, refusals at creation
// over the API (nothing stored), and at delivery after the lookup: a name that resolves to a refused address is
// not sent to, an allowed name is sent to the address that was checked, and a redirect is not followed.

#include <QElapsedTimer>
#include <QHostInfo>
#include <QJsonArray>

#include "apitestserver.h"
#include "server/api/webhookdispatcher.h"
#include "server/api/webhooktargets.h"
#include "testsupport.h"
#include "webhookreceiver.h"

using namespace Meterline;
using namespace Meterline::Testing;
using namespace Qt::StringLiterals;

using Meterline::Api::WebhookDispatcher;
using Meterline::Api::WebhookSender;
using Meterline::Api::WebhookTargets;

namespace
{

WebhookTargets allowing(const QString& list)
{
    QString error;
    const auto targets = WebhookTargets::fromAllowList(list, &error);
    if (!targets)
        qFatal("bad allow-list in a test: %s", qPrintable(error));
    return *targets;
}

// Fast delivery settings with the given targets and, for names, a made-up DNS: `names` maps a host to the
// addresses it "resolves" to; any other name fails to resolve. No real DNS is asked.
WebhookSender::Options options(const WebhookTargets& targets, const QHash<QString, QList<QHostAddress>>& names)
{
    WebhookSender::Options o;
    o.pollIntervalMs = 20;
    o.timeoutMs = 2000;
    o.retryScale = 1.0; // a refused attempt is retried after about 5 s: each test sees one attempt
    o.targets = targets;
    o.lookup = [names](const QString& host, QObject* context, std::function<void(const QHostInfo&)> done) {
        QHostInfo info;
        info.setHostName(host);
        if (names.contains(host)) {
            info.setAddresses(names.value(host));
        } else {
            info.setError(QHostInfo::HostNotFound);
            info.setErrorString(u"not in the test's names"_s);
        }
        QMetaObject::invokeMethod(
            context, [done, info] { done(info); }, Qt::QueuedConnection);
    };
    return o;
}

QJsonObject onlyDelivery(ApiTestServer& api, const QString& endpointId)
{
    const QJsonArray data = api.get(u"/v1/webhooks/%1/deliveries"_s.arg(endpointId)).json.value(u"data"_s).toArray();
    return data.size() == 1 ? data.first().toObject() : QJsonObject();
}

// An endpoint stored directly (as the dashboard on a local database would, past the API's check), with a test
// event queued for it; answers the endpoint's id.
QString endpointWithTestEvent(ApiTestServer& api, const QString& url)
{
    auto created = api.service().createWebhook(WebhookEndpoint{{}, url, {u"balance.low"_s}, {}, {}, false, {}});
    if (!created.ok() || !api.service().sendTestWebhook(created->id).ok())
        return {};
    return created->id;
}

} // namespace

class TestWebhookTargets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nonPublicRange_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("range"); // a part of the description; empty: public
        const QList<std::pair<const char*, const char*>> rows = {
            {"8.8.8.8", ""},
            {"1.1.1.1", ""},
            {"0.0.0.0", "this network"},
            {"0.255.255.255", "this network"},
            {"1.0.0.0", ""},
            {"9.255.255.255", ""},
            {"10.0.0.0", "private (10.0.0.0/8)"},
            {"10.255.255.255", "private (10.0.0.0/8)"},
            {"11.0.0.0", ""},
            {"100.63.255.255", ""},
            {"100.64.0.0", "carrier-grade NAT"},
            {"100.127.255.255", "carrier-grade NAT"},
            {"100.128.0.0", ""},
            {"126.255.255.255", ""},
            {"127.0.0.1", "loopback (127.0.0.0/8)"},
            {"127.255.255.254", "loopback"},
            {"128.0.0.0", ""},
            {"169.253.255.255", ""},
            {"169.254.169.254", "link-local"},
            {"169.255.0.0", ""},
            {"172.15.255.255", ""},
            {"172.16.0.0", "private (172.16.0.0/12)"},
            {"172.31.255.255", "private (172.16.0.0/12)"},
            {"172.32.0.0", ""},
            {"192.0.0.8", "IETF protocol assignments"},
            {"192.0.2.1", "documentation"},
            {"192.88.99.1", "6to4 relay"},
            {"192.167.255.255", ""},
            {"192.168.0.0", "private (192.168.0.0/16)"},
            {"192.168.255.255", "private"},
            {"192.169.0.0", ""},
            {"198.17.255.255", ""},
            {"198.18.0.0", "benchmarking"},
            {"198.19.255.255", "benchmarking"},
            {"198.20.0.0", ""},
            {"198.51.100.7", "documentation"},
            {"203.0.113.9", "documentation"},
            {"223.255.255.255", ""},
            {"224.0.0.1", "multicast"},
            {"239.255.255.255", "multicast"},
            {"240.0.0.1", "reserved"},
            {"255.255.255.255", "reserved"},
            {"2606:4700:4700::1111", ""},
            {"2a00:1450:4001::200e", ""},
            {"::1", "loopback (::1/128)"},
            {"::", "unspecified"},
            {"::127.0.0.1", "IPv4-compatible"},
            {"fe80::1", "link-local (fe80::/10)"},
            {"febf:ffff::1", "link-local"},
            {"fec0::1", "site-local"},
            {"fc00::1", "unique local"},
            {"fdff:ffff::1", "unique local"},
            {"fbff:ffff::1", "outside 2000::/3"},
            {"ff02::1", "multicast"},
            {"2001:db8::1", "documentation"},
            {"2001::1", "Teredo"},
            {"2001:1ff:ffff::1", "IETF protocol assignments"},
            {"2001:200::1", ""},
            {"100::1", "discard-only"},
            {"64:ff9b:1::1", "local NAT64"},
            // IPv4 carried in IPv6, judged as the IPv4 address.
            {"::ffff:127.0.0.1", "loopback (127.0.0.0/8), carried in IPv6"},
            {"::ffff:169.254.169.254", "link-local"},
            {"::ffff:8.8.8.8", ""},
            {"64:ff9b::10.0.0.1", "private (10.0.0.0/8), carried in IPv6"},
            {"64:ff9b::8.8.8.8", ""},
            {"2002:7f00:1::1", "loopback (127.0.0.0/8), carried in IPv6"},
            {"2002:c0a8:101::1", "private (192.168.0.0/16)"},
            {"2002:808:808::1", ""},
            // The edges of the small IPv4 ranges.
            {"192.0.0.255", "IETF protocol assignments"},
            {"192.0.1.0", ""},
            {"192.0.2.255", "documentation"},
            {"192.0.3.0", ""},
            {"198.51.99.255", ""},
            {"198.51.101.0", ""},
            {"203.0.112.255", ""},
            {"203.0.114.0", ""},
            {"192.88.98.255", ""},
            {"192.88.100.0", ""},
            // IPv6: global unicast is 2000::/3 alone; inside it the special ranges.
            {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "outside 2000::/3"},
            {"2000::", ""},
            {"3fff:0fff:ffff::1", "documentation (3fff::/20)"},
            {"3fff:1000::1", ""},
            {"3ffe::1", ""},
            {"4000::1", "outside 2000::/3"},
            {"5f00::1", "segment routing"},
            {"::ffff:0:7f00:1", "outside 2000::/3"}, // the IPv4-translated form (RFC 2765)
            {"64:ff9b::ffff:ffff", "reserved (broadcast among them) (240.0.0.0/4), carried in IPv6"},
            {"64:ff9b::1:0:0", "outside 2000::/3"}, // past the /96 of NAT64
            {"fe7f:ffff::1", "outside 2000::/3"},
            {"fe80::", "link-local (fe80::/10)"},
            {"fec0::", "site-local"},
            {"feff:ffff::1", "site-local"},
            {"100::ffff:ffff:ffff:ffff", "discard-only"},
            {"100:0:0:1::", "outside 2000::/3"},
        };
        for (const auto& [address, range] : rows)
            QTest::addRow("%s", address) << QString::fromLatin1(address) << QString::fromLatin1(range);
    }
    void nonPublicRange()
    {
        QFETCH(QString, address);
        QFETCH(QString, range);
        const QHostAddress parsed(address);
        QVERIFY2(!parsed.isNull(), qPrintable(address));
        const QString found = WebhookTargets::nonPublicRange(parsed);
        if (range.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(address + u" is public, not "_s + found));
        else
            QVERIFY2(found.contains(range), qPrintable(address + u": "_s + found));
    }

    void allowList_readsNamesAddressesAndRanges()
    {
        QString error;
        const auto targets =
            WebhookTargets::fromAllowList(u" Hooks.Internal., 10.20.0.0/16 [::1]\n127.0.0.1 fd00::/8,"_s, &error);
        QVERIFY2(targets, qPrintable(error));
        QCOMPARE(targets->entries().size(), 5);
        QCOMPARE(targets->refusalOfAddress(u"hooks.internal"_s, QHostAddress(u"192.168.1.1"_s)), QString());
        QCOMPARE(targets->refusalOfAddress(u"other"_s, QHostAddress(u"10.20.255.255"_s)), QString());
        QVERIFY(!targets->refusalOfAddress(u"other"_s, QHostAddress(u"10.21.0.0"_s)).isEmpty()); // the range's edge
        QCOMPARE(targets->refusalOfAddress(u"other"_s, QHostAddress(u"::1"_s)), QString());
        QCOMPARE(targets->refusalOfAddress(u"other"_s, QHostAddress(u"::ffff:127.0.0.1"_s)), QString());
        QCOMPARE(targets->refusalOfAddress(u"other"_s, QHostAddress(u"fd12::5"_s)), QString());
        QVERIFY(!targets->refusalOfAddress(u"other"_s, QHostAddress(u"127.0.0.2"_s)).isEmpty()); // one address only
        QVERIFY(WebhookTargets::fromAllowList(QString(), &error)->entries().isEmpty());
    }

    void allowList_refusesWhatItCannotRead_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QString>("entry");
        QTest::addRow("range too wide") << u"10.0.0.0/33"_s << u"'10.0.0.0/33'"_s;
        QTest::addRow("not a range") << u"hooks.internal, 10.0.0/x"_s << u"'10.0.0/x'"_s;
        QTest::addRow("a URL") << u"https://hooks.internal"_s << u"'https://hooks.internal'"_s;
        QTest::addRow("underscore") << u"bad_name"_s << u"'bad_name'"_s;
        QTest::addRow("a port") << u"hooks.internal:8080"_s << u"'hooks.internal:8080'"_s;
    }
    void allowList_refusesWhatItCannotRead()
    {
        QFETCH(QString, list);
        QFETCH(QString, entry);
        QString error;
        QVERIFY(!WebhookTargets::fromAllowList(list, &error));
        QVERIFY2(error.contains(entry), qPrintable(error));
    }

    void refusalOfUrl_data()
    {
        QTest::addColumn<QString>("allowList");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("refusal"); // a part of it; empty: allowed
        QTest::addRow("public name over https") << u""_s << u"https://hooks.example.com/m"_s << u""_s;
        QTest::addRow("public address over https") << u""_s << u"https://8.8.8.8/m"_s << u""_s;
        QTest::addRow("http") << u""_s << u"http://hooks.example.com/m"_s << u"use https"_s;
        QTest::addRow("HTTP to a public address") << u""_s << u"http://8.8.8.8/m"_s << u"use https"_s;
        QTest::addRow("loopback") << u""_s << u"https://127.0.0.1:8443/m"_s << u"loopback"_s;
        QTest::addRow("metadata") << u""_s << u"https://169.254.169.254/latest"_s << u"link-local"_s;
        QTest::addRow("private") << u""_s << u"https://10.1.2.3/m"_s << u"private (10.0.0.0/8)"_s;
        QTest::addRow("IPv6 loopback") << u""_s << u"https://[::1]:8443/m"_s << u"loopback"_s;
        QTest::addRow("mapped loopback") << u""_s << u"https://[::ffff:7f00:1]/m"_s << u"carried in IPv6"_s;
        QTest::addRow("localhost") << u""_s << u"https://localhost:8443/m"_s << u"this host"_s;
        QTest::addRow("LOCALHOST.") << u""_s << u"https://LOCALHOST./m"_s << u"this host"_s;
        // Other spellings of 127.0.0.1 that QUrl reads as that address (inet_aton's forms): the check sees it.
        QTest::addRow("decimal") << u""_s << u"https://2130706433/m"_s << u"loopback"_s;
        QTest::addRow("hexadecimal") << u""_s << u"https://0x7f.1/m"_s << u"loopback"_s;
        QTest::addRow("octal") << u""_s << u"https://0177.0.0.1/m"_s << u"loopback"_s;
        QTest::addRow("short") << u""_s << u"https://127.1/m"_s << u"loopback"_s;
        QTest::addRow("with user info") << u""_s << u"https://user:pw@127.0.0.1/m"_s << u"loopback"_s;
        QTest::addRow("translated IPv6") << u""_s << u"https://[::ffff:0:7f00:1]/m"_s << u"outside 2000::/3"_s;
        QTest::addRow("sub.localhost") << u""_s << u"https://app.localhost/m"_s << u"this host"_s;
        QTest::addRow("allowed address, http") << u"127.0.0.1"_s << u"http://127.0.0.1:9/m"_s << u""_s;
        QTest::addRow("allowed range, http") << u"10.0.0.0/8"_s << u"http://10.9.9.9/m"_s << u""_s;
        QTest::addRow("outside the allowed range") << u"10.0.0.0/8"_s << u"https://192.168.0.1/m"_s << u"private"_s;
        QTest::addRow("allowed name, http") << u"hooks.internal"_s << u"http://HOOKS.internal:8080/m"_s << u""_s;
        QTest::addRow("allowed localhost") << u"localhost"_s << u"http://localhost:9/m"_s << u""_s;
        QTest::addRow("a range does not allow http to a name")
            << u"10.0.0.0/8"_s << u"http://hooks.internal/m"_s << u"use https"_s;
    }
    void refusalOfUrl()
    {
        QFETCH(QString, allowList);
        QFETCH(QString, url);
        QFETCH(QString, refusal);
        const QString found = allowing(allowList).refusalOfUrl(QUrl(url));
        if (refusal.isEmpty())
            QVERIFY2(found.isEmpty(), qPrintable(found));
        else
            QVERIFY2(found.contains(refusal), qPrintable(u"'%1' for %2"_s.arg(found, url)));
    }

    void refusalOfAddress_namesTheHostAndWhatItResolvedTo()
    {
        const QString refused = allowing({}).refusalOfAddress(u"hooks.example.com"_s, QHostAddress(u"10.0.0.5"_s));
        QCOMPARE(refused,
                 u"hooks.example.com resolves to 10.0.0.5, which is not a public address: private (10.0.0.0/8); only "
                 "the server's webhook allow-list (webhooks/allow-targets) can allow it"_s);
        QCOMPARE(allowing({}).refusalOfAddress(u"hooks.example.com"_s, QHostAddress(u"93.184.216.34"_s)), QString());
        // An allowed name may resolve anywhere; an allowed range allows that range for any name.
        QCOMPARE(allowing(u"hooks.example.com"_s).refusalOfAddress(u"hooks.example.com"_s, QHostAddress(u"10.0.0.5"_s)),
                 QString());
        QCOMPARE(allowing(u"10.0.0.0/24"_s).refusalOfAddress(u"hooks.example.com"_s, QHostAddress(u"10.0.0.5"_s)),
                 QString());
    }

    void create_overTheApi_refusesWhatCanBeToldWithoutALookup_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("message");
        QTest::addRow("http") << u"http://hooks.example.com/m"_s << u"use https"_s;
        QTest::addRow("metadata") << u"https://169.254.169.254/latest/meta-data"_s << u"link-local"_s;
        QTest::addRow("loopback") << u"https://127.0.0.1:8443/m"_s << u"loopback"_s;
        QTest::addRow("private") << u"https://192.168.1.10/m"_s << u"private"_s;
        QTest::addRow("localhost") << u"https://localhost/m"_s << u"this host"_s;
        QTest::addRow("mapped") << u"https://[::ffff:10.0.0.1]/m"_s << u"carried in IPv6"_s;
        QTest::addRow("ftp: core's message") << u"ftp://hooks.example.com/m"_s << u"http or https URL"_s;
    }
    void create_overTheApi_refusesWhatCanBeToldWithoutALookup()
    {
        QFETCH(QString, url);
        QFETCH(QString, message);
        {
            ApiTestServer api(2, {}, QString()); // no allow-list
            const auto created =
                api.post(u"/v1/webhooks"_s, QJsonObject{{u"url"_s, url}, {u"events"_s, QJsonArray{u"balance.low"_s}}});
            QCOMPARE(created.status, 400);
            QCOMPARE(created.errorCode(), u"invalid_request"_s);
            QCOMPARE(created.errorField(), u"url"_s);
            const QString said = created.json.value(u"error"_s).toObject().value(u"message"_s).toString();
            QVERIFY2(said.contains(message), qPrintable(said));
            QCOMPARE(api.get(u"/v1/webhooks"_s).json.value(u"data"_s).toArray().size(), 0); // nothing stored

            // A public name is taken: it is looked up before each delivery.
            const QJsonObject publicName{{u"url"_s, u"https://hooks.example.com/m"_s},
                                         {u"events"_s, QJsonArray{u"balance.low"_s}}};
            QCOMPARE(api.post(u"/v1/webhooks"_s, publicName).status, 201);
        }
        // What the allow-list names is taken as it is.
        ApiTestServer allowed(2, {}, u"127.0.0.1 localhost 10.0.0.0/8 192.168.1.10 169.254.169.254"_s);
        if (url.startsWith(u"ftp:"_s))
            return; // no allow-list makes ftp a webhook URL
        const QString allowedUrl = url.contains(u"hooks.example.com"_s) ? u"http://localhost/m"_s : url;
        const QJsonObject body{{u"url"_s, allowedUrl}, {u"events"_s, QJsonArray{u"balance.low"_s}}};
        QCOMPARE(allowed.post(u"/v1/webhooks"_s, body).status, 201);
    }

    void delivery_toANameThatResolvesToARefusedAddress_isRefusedAndNothingIsSent()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        // "rebound.example.test" passed no check at creation (a name); at delivery it resolves to 127.0.0.1 and to a
        // public address: one refused address refuses the attempt.
        const QString url = u"https://rebound.example.test:%1/hooks"_s.arg(receiver.port());
        const QString endpointId = endpointWithTestEvent(api, url);
        QVERIFY(!endpointId.isEmpty());
        WebhookDispatcher dispatcher(
            api.db(),
            options(allowing({}),
                    {{u"rebound.example.test"_s, {QHostAddress(u"93.184.216.34"_s), QHostAddress::LocalHost}}}));
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 10000);
        const QJsonObject delivery = onlyDelivery(api, endpointId);
        QCOMPARE(delivery.value(u"state"_s).toString(), u"pending"_s); // retried later: DNS may change
        const QString error = delivery.value(u"lastError"_s).toString();
        QVERIFY2(
            error.startsWith(u"refused: rebound.example.test resolves to 127.0.0.1, which is not a public address: "
                             "loopback (127.0.0.0/8)"_s),
            qPrintable(error));
        QCOMPARE(receiver.received().size(), 0);
    }

    void delivery_aLookupThatNeverAnswers_endsWithinTheTimeout()
    {
        ApiTestServer api;
        const QString endpointId = endpointWithTestEvent(api, u"https://silent.example.test/hooks"_s);
        WebhookSender::Options o = options(allowing({}), {});
        o.timeoutMs = 300;
        o.lookup = [](const QString&, QObject*, std::function<void(const QHostInfo&)>) {}; // never calls back
        WebhookDispatcher dispatcher(api.db(), o);
        QElapsedTimer clock;
        clock.start();
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 5000);
        QVERIFY2(clock.elapsed() >= 250, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(onlyDelivery(api, endpointId).value(u"lastError"_s).toString(),
                 u"cannot look up silent.example.test within 300 ms"_s);
        dispatcher.stop(); // returns: nothing is left waiting for the lookup
    }

    void delivery_aNameThatDoesNotResolve_isAFailedAttempt()
    {
        ApiTestServer api;
        const QString endpointId = endpointWithTestEvent(api, u"https://nowhere.example.test/hooks"_s);
        WebhookDispatcher dispatcher(api.db(), options(allowing({}), {}));
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 5000);
        QCOMPARE(onlyDelivery(api, endpointId).value(u"lastError"_s).toString(),
                 u"cannot look up nowhere.example.test: not in the test's names"_s);
        QCOMPARE(onlyDelivery(api, endpointId).value(u"state"_s).toString(), u"pending"_s);
    }

    void delivery_overHttpToAPublicName_isRefusedBeforeTheLookup()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const QString endpointId =
            endpointWithTestEvent(api, u"http://hooks.example.test:%1/hooks"_s.arg(receiver.port()));
        WebhookDispatcher dispatcher(api.db(),
                                     options(allowing({}), {{u"hooks.example.test"_s, {QHostAddress::LocalHost}}}));
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 10000);
        QVERIFY(onlyDelivery(api, endpointId).value(u"lastError"_s).toString().contains(u"use https"_s));
        QCOMPARE(receiver.received().size(), 0);
    }

    void delivery_toAnAllowedName_goesToTheAddressThatWasChecked()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        // The name exists only in the test's lookup (.test never resolves in DNS): the delivery arriving proves the
        // connection went to the address the sender checked, with the endpoint's own host in the Host header.
        const QString endpointId =
            endpointWithTestEvent(api, u"http://hooks.example.test:%1/hooks"_s.arg(receiver.port()));
        WebhookDispatcher dispatcher(
            api.db(),
            options(allowing(u"hooks.example.test"_s),
                    {{u"hooks.example.test"_s, {QHostAddress(u"::1"_s), QHostAddress::LocalHost}}}));
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"state"_s).toString(), u"delivered"_s, 10000);
        QCOMPARE(receiver.received().size(), 1);
        QCOMPARE(receiver.received().first().headers.value("host"),
                 "hooks.example.test:" + QByteArray::number(receiver.port()));
    }

    void delivery_toAnAllowedLocalhost_usesTheRealLookup()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const QString endpointId = endpointWithTestEvent(api, u"http://localhost:%1/hooks"_s.arg(receiver.port()));
        WebhookSender::Options o = options(allowing(u"localhost"_s), {});
        o.lookup = nullptr; // QHostInfo: /etc/hosts answers for localhost
        WebhookDispatcher dispatcher(api.db(), o);
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"state"_s).toString(), u"delivered"_s, 10000);
        QCOMPARE(receiver.received().first().headers.value("host"), "localhost:" + QByteArray::number(receiver.port()));
    }

    void delivery_aRedirectIsNotFollowed()
    {
        ApiTestServer api;
        WebhookReceiver redirecting;
        WebhookReceiver elsewhere;
        redirecting.answerWith({302});
        redirecting.redirectTo(elsewhere.url());
        const QString endpointId = endpointWithTestEvent(api, redirecting.url());
        WebhookDispatcher dispatcher(api.db(), options(allowing(u"127.0.0.1"_s), {}));
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 10000);
        QCOMPARE(onlyDelivery(api, endpointId).value(u"lastError"_s).toString(), u"HTTP 302"_s);
        QCOMPARE(redirecting.received().size(), 1);
        QTest::qWait(200);
        QCOMPARE(elsewhere.received().size(), 0);
    }

    void delivery_toAnAddressOutsideTheAllowList_isRefused()
    {
        ApiTestServer api;
        WebhookReceiver receiver;
        const QString endpointId = endpointWithTestEvent(api, u"https://127.0.0.1:%1/hooks"_s.arg(receiver.port()));
        WebhookDispatcher dispatcher(api.db(), options(allowing(u"10.0.0.0/8"_s), {}));
        dispatcher.start();
        QTRY_COMPARE_WITH_TIMEOUT(onlyDelivery(api, endpointId).value(u"attempts"_s).toInt(), 1, 10000);
        const QString error = onlyDelivery(api, endpointId).value(u"lastError"_s).toString();
        QVERIFY2(error.startsWith(u"refused: 127.0.0.1 is not a public address: loopback"_s), qPrintable(error));
        QCOMPARE(receiver.received().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestWebhookTargets)
#include "testwebhooktargets.moc"
