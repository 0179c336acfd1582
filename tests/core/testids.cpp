// Ids::make: "<prefix><12 hex digits of the ms clock><20 random hex digits>", so ids sort by creation time
// across processes and never repeat.

#include <QDateTime>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "core/ids.h"

using namespace Meterline;

class TestIds : public QObject
{
    Q_OBJECT

private slots:
    void make_spellsPrefixTimeAndRandomInLowercaseHex()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString id = Ids::make(QStringLiteral("evt_"));
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        static const QRegularExpression shape(QStringLiteral("^evt_[0-9a-f]{32}$"));
        QVERIFY2(shape.match(id).hasMatch(), qPrintable(id));
        bool ok = false;
        const qint64 ms = id.mid(4, 12).toLongLong(&ok, 16);
        QVERIFY(ok);
        QVERIFY(ms >= before && ms <= after);
    }

    void make_neverRepeatsAndSortsByTime()
    {
        QSet<QString> seen;
        QString previousTime;
        for (int i = 0; i < 20000; ++i) {
            const QString id = Ids::make(QStringLiteral("rsv_"));
            QVERIFY(!seen.contains(id));
            seen.insert(id);
            const QString time = id.mid(4, 12);
            QVERIFY(time >= previousTime);
            previousTime = time;
        }
        // The random part uses all sixteen digits in every position.
        for (int position = 16; position < 36; ++position) {
            QSet<QChar> digits;
            for (const QString& id : std::as_const(seen))
                digits.insert(id.at(position));
            QCOMPARE(digits.size(), 16);
        }
    }
};

QTEST_GUILESS_MAIN(TestIds)
#include "testids.moc"
