#pragma once

// A strict RFC 4180 reader for the CSV targets (invoice_csv, usage_csv), written from the RFC alone and not from
// the writers: fields separated by commas, a field either plain (no comma, quote, CR or LF) or quoted with inner
// quotes doubled; every record ends with CRLF.

#include <QByteArray>
#include <QList>
#include <optional>

namespace MeterlineFuzz
{

using Record = QList<QByteArray>;

// The record that starts at text[at], at moved past its CRLF; nullopt when the text there is not one record.
inline std::optional<Record> readRecordAt(const QByteArray& text, qsizetype& at)
{
    Record fields;
    qsizetype i = at;
    for (;;) {
        QByteArray field;
        if (i < text.size() && text[i] == '"') {
            ++i;
            for (;;) {
                if (i >= text.size())
                    return std::nullopt; // an unclosed quote
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
            if (i < text.size() && text[i] != ',' && text[i] != '\r')
                return std::nullopt; // text after a closing quote
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                if (text[i] == '"' || text[i] == '\n')
                    return std::nullopt; // only a quoted field may hold these
                field += text[i++];
            }
        }
        fields.append(field);
        if (i >= text.size())
            return std::nullopt; // no CRLF
        if (text[i] == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n')
                return std::nullopt; // a CR alone
            at = i + 2;
            return fields;
        }
        ++i; // the comma
    }
}

// Exactly one record with its CRLF.
inline std::optional<Record> readRecord(const QByteArray& text)
{
    qsizetype at = 0;
    auto record = readRecordAt(text, at);
    if (!record || at != text.size())
        return std::nullopt;
    return record;
}

// A whole file: records, each with its CRLF, up to the end.
inline std::optional<QList<Record>> readRecords(const QByteArray& text)
{
    QList<Record> records;
    qsizetype at = 0;
    while (at < text.size()) {
        auto record = readRecordAt(text, at);
        if (!record)
            return std::nullopt;
        records.append(*record);
    }
    return records;
}

} // namespace MeterlineFuzz
