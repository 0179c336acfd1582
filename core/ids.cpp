#include "core/ids.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace Meterline::Ids
{

QString make(const QString& prefix)
{
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch());
    QRandomGenerator* random = QRandomGenerator::global();
    const quint64 high = random->generate64() & 0xFFFFFFFFFFULL; // 40 bits
    const quint64 low = random->generate64() & 0xFFFFFFFFFFULL;  // 40 bits
    return prefix
           + QStringLiteral("%1%2%3")
                 .arg(ms & 0xFFFFFFFFFFFFULL, 12, 16, QLatin1Char('0'))
                 .arg(high, 10, 16, QLatin1Char('0'))
                 .arg(low, 10, 16, QLatin1Char('0'));
}

} // namespace Meterline::Ids
