#include "ui/pages/pagecontext.h"

#include "models/customersmodel.h"
#include "models/metersmodel.h"
#include "models/plansmodel.h"
#include "ui/dialogs/formdialog.h"

namespace Meterline
{

namespace
{

QString label(const QString& name, const QString& id)
{
    return name.isEmpty() || name == id ? id : QStringLiteral("%1 (%2)").arg(name, id);
}

} // namespace

QList<Choice> planChoices(const PageContext& context)
{
    QList<Choice> choices;
    for (const Plan& plan : context.models.plans->rows())
        choices << Choice{plan.id, label(plan.name, plan.id)};
    return choices;
}

QList<Choice> customerChoices(const PageContext& context)
{
    QList<Choice> choices;
    for (const CustomerRow& row : context.models.customers->rows())
        choices << Choice{row.customer.id, label(row.customer.name, row.customer.id)};
    return choices;
}

QList<Choice> meterChoices(const PageContext& context)
{
    QList<Choice> choices;
    for (const Meter& meter : context.models.meters->rows())
        choices << Choice{meter.id, label(meter.name, meter.id)};
    return choices;
}

} // namespace Meterline
