#include "server/http/requestid.h"

#include <QRandomGenerator>
#include <atomic>
#include <cstdio>
#include <cstring>

namespace Meterline::Http
{

RequestId RequestId::next()
{
    static const auto processPart = [] {
        struct Part
        {
            char text[17];
        } part;
        std::snprintf(part.text,
                      sizeof part.text,
                      "%016llx",
                      static_cast<unsigned long long>(QRandomGenerator::system()->generate64()));
        return part;
    }();
    static std::atomic<quint64> serial{0};
    const quint64 n = serial.fetch_add(1, std::memory_order_relaxed) & 0xff'ffff'ffffULL; // 10 hex digits
    RequestId id;
    std::memcpy(id.m_text, "req_", 4);
    std::memcpy(id.m_text + 4, processPart.text, 12);
    char digits[11];
    std::snprintf(digits, sizeof digits, "%010llx", static_cast<unsigned long long>(n));
    std::memcpy(id.m_text + 16, digits, 10);
    id.m_size = kLength;
    return id;
}

} // namespace Meterline::Http
