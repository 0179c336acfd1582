#pragma once

#include <QColor>

namespace Meterline::ChartPalette
{

// The dashboard's few colours, readable on light and dark backgrounds and apart for colour-blind readers
// (blue / orange / red-purple from the Okabe–Ito set).
inline QColor normal()
{
    return QColor(0x00, 0x72, 0xB2);
}
inline QColor near()
{
    return QColor(0xE6, 0x9F, 0x00);
}
inline QColor over()
{
    return QColor(0xCC, 0x3D, 0x3D);
}
inline QColor series(int i)
{
    static const QColor colours[] = {QColor(0x00, 0x72, 0xB2),
                                     QColor(0xD5, 0x5E, 0x00),
                                     QColor(0x00, 0x9E, 0x73),
                                     QColor(0xCC, 0x79, 0xA7),
                                     QColor(0x56, 0xB4, 0xE9),
                                     QColor(0xE6, 0x9F, 0x00)};
    return colours[i % 6];
}

} // namespace Meterline::ChartPalette
