#include "ui/dialogs/formdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMap>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

#include "core/types.h"
#include "core/validation.h"
#include "ui/charts/chartpalette.h"

namespace Meterline
{

FormDialog::FormDialog(QWidget* parent)
    : QDialog(parent)
{
    m_layout = new QVBoxLayout(this);
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_layout->addLayout(m_form);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, ChartPalette::over());
    m_error->setPalette(errorPalette);
    m_error->hide();
    m_layout->addWidget(m_error);
    m_layout->addStretch(1);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &FormDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &FormDialog::reject);
}

QString FormDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void FormDialog::showProblem(const Problem& problem)
{
    m_error->setText(problem.message);
    m_error->setVisible(!problem.message.isEmpty());
    if (problem.field)
        problem.field->setFocus(Qt::OtherFocusReason);
}

FormDialog::Problem FormDialog::checkId(QLineEdit* edit, const QString& missing)
{
    const QString id = edit->text().trimmed();
    if (id.isEmpty())
        return {missing, edit};
    if (!Validation::isValidId(id))
        return {tr("The id may use only letters, digits and . _ : - (at most 128 characters)."), edit};
    return {};
}

void FormDialog::accept()
{
    const Problem problem = validate();
    showProblem(problem);
    if (problem.message.isEmpty())
        QDialog::accept();
}

void fillChoices(QComboBox* combo, const QList<Choice>& choices, const QString& noneText)
{
    combo->clear();
    if (!noneText.isEmpty())
        combo->addItem(noneText, QString());
    for (const Choice& choice : choices)
        combo->addItem(choice.label.isEmpty() ? choice.id : choice.label, choice.id);
}

void selectChoice(QComboBox* combo, const QString& id)
{
    int index = combo->findData(id);
    if (index < 0) {
        combo->addItem(id, id);
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
}

QString choiceId(const QComboBox* combo)
{
    return combo->currentData().toString();
}

std::optional<double> parseQuantity(const QString& text)
{
    const QString trimmed = text.trimmed();
    bool ok = false;
    double value = QLocale().toDouble(trimmed, &ok);
    if (!ok)
        value = QLocale::c().toDouble(trimmed, &ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

QList<Choice> aggregationChoices()
{
    return {{toString(Aggregation::Sum), FormDialog::tr("Sum of values")},
            {toString(Aggregation::Count), FormDialog::tr("Count of events")},
            {toString(Aggregation::Max), FormDialog::tr("Maximum value")},
            {toString(Aggregation::UniqueCount), FormDialog::tr("Distinct values of a dimension")}};
}

QList<Choice> periodChoices()
{
    return {{toString(Period::Hour), FormDialog::tr("Hour")},
            {toString(Period::Day), FormDialog::tr("Day")},
            {toString(Period::Week), FormDialog::tr("Week (from Monday)")},
            {toString(Period::Month), FormDialog::tr("Month")},
            {toString(Period::Lifetime), FormDialog::tr("Lifetime")}};
}

QList<Choice> limitModeChoices()
{
    return {{toString(LimitMode::Hard), FormDialog::tr("Hard (denies)")},
            {toString(LimitMode::Soft), FormDialog::tr("Soft (only notifies)")}};
}

bool parseKeyValueLines(const QString& text, QMap<QString, QString>* out, int* badLine)
{
    out->clear();
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype equals = line.indexOf(u'=');
        if (equals <= 0) {
            *badLine = i + 1;
            return false;
        }
        out->insert(line.left(equals).trimmed(), line.mid(equals + 1).trimmed());
    }
    return true;
}

QString keyValueLines(const QMap<QString, QString>& map)
{
    QStringList lines;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        lines << it.key() + u'=' + it.value();
    return lines.join(u'\n');
}

} // namespace Meterline
