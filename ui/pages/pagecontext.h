#pragma once

#include <QList>

#include "sync/syncclient.h"

namespace Meterline
{

class ActionRunner;
class DashboardSettings;

// What every page is given: the sync client (all data and actions go through it), the shared entity models
// it keeps in sync, the UI settings and the runner that reports the outcome of actions. Pages own only
// per-page models (an invoice preview, a webhook's deliveries).
struct PageContext
{
    Dashboard::SyncClient* client = nullptr;
    DashboardSettings* settings = nullptr;
    ActionRunner* actions = nullptr;
    Dashboard::SyncClient::Models models; // the ledger is the customer detail's
};

struct Choice;
// The pickers of editors, from the synced models ("Pro (pro)").
QList<Choice> planChoices(const PageContext& context);
QList<Choice> customerChoices(const PageContext& context);
QList<Choice> meterChoices(const PageContext& context);

} // namespace Meterline
