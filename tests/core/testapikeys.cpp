// API keys and webhook endpoint storage: secrets shown once, stored hashed, revocation at once.

#include <QTest>

#include "core/sql.h"
#include "testsupport.h"

using namespace Meterline;
using namespace Meterline::Testing;

class TestApiKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void create_returnsSecretOnceAndStoresOnlyItsHash()
    {
        TestStore store;
        auto created = store->createApiKey(QStringLiteral("ingest for app"), KeyScope::Ingest);
        QVERIFY(created.ok());
        QVERIFY(created->secret.startsWith(QStringLiteral("mlk_")));
        QVERIFY(created->secret.size() >= 4 + 18 + 1 + 43); // 256 random bits
        auto listed = store->apiKeys();
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), 1);
        QCOMPARE(listed->first().id, created->key.id);
        QCOMPARE(int(listed->first().scope), int(KeyScope::Ingest));
        // The secret is nowhere in the database.
        auto stored = Sql::scalar(store.db().connection(), QStringLiteral("SELECT secret_hash FROM api_keys"));
        QVERIFY(stored.ok());
        const QString hash = stored.value()->toString();
        QCOMPARE(hash.size(), 64);
        QVERIFY(!created->secret.contains(hash));
        QVERIFY(!hash.contains(created->secret.mid(created->secret.lastIndexOf(u'_') + 1)));
    }

    void create_twoKeysDiffer()
    {
        TestStore store;
        auto a = store->createApiKey(QStringLiteral("a"), KeyScope::Read);
        auto b = store->createApiKey(QStringLiteral("b"), KeyScope::Read);
        QVERIFY(a.ok() && b.ok());
        QVERIFY(a->secret != b->secret);
        QVERIFY(a->key.id != b->key.id);
    }

    void create_rejectsBadInput()
    {
        TestStore store;
        auto noName = store->createApiKey(QString(), KeyScope::Admin);
        QVERIFY(!noName.ok());
        QCOMPARE(noName.error().field, QStringLiteral("name"));
        auto badScope = store->createApiKey(QStringLiteral("x"), static_cast<KeyScope>(42));
        QVERIFY(!badScope.ok());
        QCOMPARE(badScope.error().field, QStringLiteral("scope"));
        QCOMPARE(store->apiKeys()->size(), 0);
    }

    void verify_acceptsTheKeyAndNothingElse_data()
    {
        QTest::addColumn<QString>("mangle");
        QTest::addRow("the key") << QString();
        QTest::addRow("last char changed") << QStringLiteral("last");
        QTest::addRow("truncated") << QStringLiteral("truncate");
        QTest::addRow("other id") << QStringLiteral("id");
        QTest::addRow("empty") << QStringLiteral("empty");
        QTest::addRow("no prefix") << QStringLiteral("prefix");
    }
    void verify_acceptsTheKeyAndNothingElse()
    {
        QFETCH(QString, mangle);
        TestStore store;
        auto created = store->createApiKey(QStringLiteral("k"), KeyScope::Admin);
        QVERIFY(created.ok());
        QString presented = created->secret;
        if (mangle == QLatin1String("last"))
            presented.back() = presented.back() == u'A' ? u'B' : u'A';
        else if (mangle == QLatin1String("truncate"))
            presented.chop(1);
        else if (mangle == QLatin1String("id"))
            presented[5] = presented[5] == u'0' ? u'1' : u'0';
        else if (mangle == QLatin1String("empty"))
            presented.clear();
        else if (mangle == QLatin1String("prefix"))
            presented = presented.mid(4);
        auto verified = store->verifyApiKey(presented);
        if (mangle.isEmpty()) {
            QVERIFY(verified.ok());
            QCOMPARE(verified->id, created->key.id);
        } else {
            QVERIFY(!verified.ok());
            QCOMPARE(verified.error().code, QStringLiteral("unauthorized"));
        }
    }

    void revoke_stopsTheKeyAtOnce()
    {
        TestStore store;
        auto created = store->createApiKey(QStringLiteral("k"), KeyScope::Ingest);
        QVERIFY(store->verifyApiKey(created->secret).ok());
        QVERIFY(store->revokeApiKey(created->key.id).ok());
        auto verified = store->verifyApiKey(created->secret);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code, QStringLiteral("unauthorized"));
        QVERIFY(store->apiKeys()->first().revokedAt.isValid());
        auto unknown = store->revokeApiKey(QStringLiteral("key_nope"));
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, QStringLiteral("not_found"));
    }

    // Another server (or the CLI) on the same database revokes: this one stops accepting the key at once,
    // although it had verified (and remembered) it before.
    void revoke_byAnotherServerStopsTheKeyAtOnce()
    {
        TestStore store;
        Service other(store.db(), [&store] { return store.now(); });
        auto created = store->createApiKey(QStringLiteral("k"), KeyScope::Ingest);
        VERIFY_OK(created);
        VERIFY_OK(store->verifyApiKey(created->secret));
        VERIFY_OK(store->verifyApiKey(created->secret));
        VERIFY_OK(other.revokeApiKey(created->key.id));
        QVERIFY(!other.verifyApiKey(created->secret).ok());
        auto verified = store->verifyApiKey(created->secret);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code, QStringLiteral("unauthorized"));
        QVERIFY(!store->verifyApiKey(created->secret).ok()); // and stays refused
    }

    // The same from another process: its own Database (own connections) on the same store. Writes elsewhere
    // leave the remembered key valid; the revocation stops it at once.
    void revoke_byAnotherProcessStopsTheKeyAtOnce()
    {
        TestStore store;
        auto opened = Database::open(store.path());
        VERIFY_OK(opened);
        Service other(*opened.value(), [&store] { return store.now(); });
        auto created = store->createApiKey(QStringLiteral("k"), KeyScope::Ingest);
        VERIFY_OK(created);
        VERIFY_OK(store->verifyApiKey(created->secret));
        VERIFY_OK(other.createApiKey(QStringLiteral("unrelated"), KeyScope::Read)); // a write elsewhere
        VERIFY_OK(store->verifyApiKey(created->secret));
        VERIFY_OK(store->verifyApiKey(created->secret));
        VERIFY_OK(other.revokeApiKey(created->key.id));
        auto verified = store->verifyApiKey(created->secret);
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code, QStringLiteral("unauthorized"));
    }

    // A remembered key is still the key: another key's secret never verifies as it.
    void verify_remembersOnlyTheExactKey()
    {
        TestStore store;
        auto a = store->createApiKey(QStringLiteral("a"), KeyScope::Ingest);
        auto b = store->createApiKey(QStringLiteral("b"), KeyScope::Admin);
        VERIFY_OK(a);
        VERIFY_OK(b);
        QCOMPARE(store->verifyApiKey(a->secret)->id, a->key.id);
        QCOMPARE(store->verifyApiKey(b->secret)->id, b->key.id);
        QCOMPARE(store->verifyApiKey(a->secret)->id, a->key.id);
        QString forged = a->secret;
        forged.back() = forged.back() == u'A' ? u'B' : u'A';
        QVERIFY(!store->verifyApiKey(forged).ok());
    }

    void webhook_createListDelete()
    {
        TestStore store;
        WebhookEndpoint input;
        input.url = QStringLiteral("https://hooks.example.com/meterline");
        input.events = {QStringLiteral("balance.low"), QStringLiteral("limit.exceeded")};
        input.balanceLowThreshold = Money::parse(u"10");
        auto created = store->createWebhook(input);
        QVERIFY(created.ok());
        QVERIFY(created->secret.startsWith(QStringLiteral("whsec_")));
        QCOMPARE(QByteArray::fromBase64(created->secret.mid(6).toLatin1()).size(), 24);
        auto listed = store->webhooks();
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), 1);
        QVERIFY(listed->first().secret.isEmpty()); // shown once
        QCOMPARE(listed->first().balanceLowThreshold->toString(), QStringLiteral("10.000000"));
        auto deliveries = store->webhookDeliveries(created->id);
        QVERIFY(deliveries.ok());
        QCOMPARE(deliveries->size(), 0);
        QVERIFY(store->deleteWebhook(created->id).ok());
        QCOMPARE(store->webhooks()->size(), 0);
        QCOMPARE(store->webhook(created->id).error().code, QStringLiteral("not_found"));
        QCOMPARE(store->deleteWebhook(created->id).error().code, QStringLiteral("not_found"));
    }

    void webhook_rejectsBadInput_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QStringList>("events");
        QTest::addColumn<QString>("field");
        QTest::addRow("ftp url") << "ftp://x.example" << QStringList{"balance.low"} << "url";
        QTest::addRow("no host") << "https://" << QStringList{"balance.low"} << "url";
        QTest::addRow("not a url") << "hooks" << QStringList{"balance.low"} << "url";
        QTest::addRow("no events") << "https://x.example" << QStringList{} << "events";
        QTest::addRow("unknown event") << "https://x.example" << QStringList{"invoice.paid"} << "events";
    }
    void webhook_rejectsBadInput()
    {
        QFETCH(QString, url);
        QFETCH(QStringList, events);
        QFETCH(QString, field);
        TestStore store;
        WebhookEndpoint input;
        input.url = url;
        input.events = events;
        auto created = store->createWebhook(input);
        QVERIFY(!created.ok());
        QCOMPARE(created.error().code, QStringLiteral("invalid_request"));
        QCOMPARE(created.error().field, field);
        QCOMPARE(store->webhooks()->size(), 0);
    }

    void recordEach_answersEachInOneCommit()
    {
        TestStore store;
        Customer c;
        c.id = QStringLiteral("c1");
        c.name = QStringLiteral("C");
        QVERIFY(store->createCustomer(c).ok());
        EventInput good;
        good.customerId = c.id;
        good.eventType = QStringLiteral("llm.call");
        good.idempotencyKey = QStringLiteral("k1");
        EventInput unknown = good;
        unknown.customerId = QStringLiteral("nobody");
        EventInput replay = good; // same key, same payload: a replay inside the same group
        auto results = store->recordEach({good, unknown, replay});
        QCOMPARE(results.size(), 3);
        QVERIFY(results[0].ok());
        QVERIFY(!results[0].value().duplicate);
        QCOMPARE(results[1].error().code, QStringLiteral("customer_not_found"));
        QVERIFY(results[2].ok());
        QVERIFY(results[2].value().duplicate);
        QCOMPARE(results[2].value().event.id, results[0].value().event.id);
        EventQuery query;
        query.customerId = c.id;
        QCOMPARE(store->events(query)->data.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestApiKeys)
#include "testapikeys.moc"
