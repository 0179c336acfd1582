#pragma once

// How the targets that build a value from many parts read their input: a number of texts separated by NUL
// bytes, then the bytes of the figures, taken in order by next<T>() (zero once they run out). Seeds are written
// the same way (README.md).

#include <QByteArray>
#include <QList>
#include <algorithm>
#include <cstdint>
#include <cstring>

namespace MeterlineFuzz
{

struct Input
{
    QList<QByteArray> texts; // always as many as asked for: missing ones are empty
    QByteArray figures;
    qsizetype at = 0;

    template <typename T> T next()
    {
        T value{};
        if (at + qsizetype(sizeof(T)) <= figures.size())
            memcpy(&value, figures.constData() + at, sizeof(T));
        at += sizeof(T);
        return value;
    }
};

inline Input split(const uint8_t* data, size_t size, int texts)
{
    Input in;
    const QByteArray all(reinterpret_cast<const char*>(data), qsizetype(size));
    qsizetype at = 0;
    for (int i = 0; i < texts; ++i) {
        const qsizetype nul = all.indexOf('\0', at);
        const qsizetype end = nul < 0 ? all.size() : nul;
        in.texts.append(all.mid(at, end - at));
        at = std::min(all.size(), end + 1);
    }
    in.figures = all.mid(at);
    return in;
}

} // namespace MeterlineFuzz
