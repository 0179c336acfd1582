#pragma once

#include <QtGlobal>

#include "core/result.h"

namespace Meterline
{

class Service;

// Realistic demo data for a fresh store, written through the Service API only: the four LLM meters
// (llm-tokens, llm-requests, active-users, max-context), the plans free / pro / enterprise with prices
// and limits, `customers` customers with Stripe-like external ids, prepaid credits for some of them,
// and a few thousand events spread over the last `days` days before service.now().
// Deterministic for a given seed and clock. A store that already has the meter llm-tokens is left
// as it is (success, no change).
class DemoData
{
public:
    static Status generate(Service& service, int customers = 12, int days = 30, quint32 seed = 42);

    // The meter whose presence marks a store as already filled.
    static constexpr const char* TokensMeterId = "llm-tokens";
    static constexpr const char* RequestsMeterId = "llm-requests";
};

} // namespace Meterline
