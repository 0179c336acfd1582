#pragma once

// The two request bodies sent on every LLM request, check and record, read from the raw bytes: a flat body
// (FlatJsonObject: plain members, dimensions an object of plain strings, a whole value) is read without a
// QJsonDocument; any other body goes through Wire::parseObject and the shared decoder of wire/requests.h,
// which words every error. Either way the result is the same (tests/server/testflatjson, the json_bodies
// fuzz target).

#include <QByteArray>

#include "core/result.h"
#include "core/types.h"

namespace Meterline::Api
{

Result<CheckRequest> checkRequestFromBody(const QByteArray& body);
Result<EventInput> eventInputFromBody(const QByteArray& body);

} // namespace Meterline::Api
