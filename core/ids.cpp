#include "core/ids.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace Meterline::Ids
{

namespace
{

// The low digits of value in lowercase hex, zero-padded (what QString::arg(value, digits, 16, '0') wrote,
// without its formatting machinery: an id is made for every event).
void writeHex(char* out, quint64 value, int digits)
{
    static constexpr char alphabet[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = alphabet[value & 0xF];
        value >>= 4;
    }
}

} // namespace

QString make(const QString& prefix)
{
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch());
    QRandomGenerator* random = QRandomGenerator::global();
    const quint64 high = random->generate64() & 0xFFFFFFFFFFULL; // 40 bits
    const quint64 low = random->generate64() & 0xFFFFFFFFFFULL;  // 40 bits
    char hex[32];
    writeHex(hex, ms & 0xFFFFFFFFFFFFULL, 12);
    writeHex(hex + 12, high, 10);
    writeHex(hex + 22, low, 10);
    QString id;
    id.reserve(prefix.size() + qsizetype(sizeof hex));
    id += prefix;
    id += QLatin1StringView(hex, qsizetype(sizeof hex));
    return id;
}

} // namespace Meterline::Ids
