#include "core/validation.h"

namespace Meterline::Validation
{

bool isValidId(QStringView id)
{
    if (id.isEmpty() || id.size() > 128)
        return false;
    for (QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'.'
                        || u == u'_' || u == u':' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
}

Status checkId(const QString& id, const QString& field)
{
    if (isValidId(id))
        return success();
    return Error::invalid(id.isEmpty()
                              ? QStringLiteral("%1 is required").arg(field)
                              : QStringLiteral("%1 must be 1-128 characters of A-Z a-z 0-9 . _ : -").arg(field),
                          field);
}

} // namespace Meterline::Validation
