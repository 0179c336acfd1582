#pragma once

#include <QDialog>
#include <optional>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QVBoxLayout;

namespace Meterline
{

// A dialog around a form that checks its input before it closes: OK runs validate(); a problem is shown in
// one sentence under the form, the field it names gets the focus, and the dialog stays open. Subclasses add
// rows to form() and implement validate(); they hold no rules beyond the shape of the input (core decides
// the rest and its answer comes back through the sync client).
class FormDialog : public QDialog
{
    Q_OBJECT

public:
    explicit FormDialog(QWidget* parent = nullptr);

    QString errorText() const;

    void accept() override;

protected:
    struct Problem
    {
        QString message;
        QWidget* field = nullptr;
    };
    // Empty message: the input is fine.
    virtual Problem validate() const = 0;

    QFormLayout* form() const { return m_form; }
    QVBoxLayout* mainLayout() const { return m_layout; }
    QDialogButtonBox* buttons() const { return m_buttons; }
    void showProblem(const Problem& problem);
    // An entity id typed in `edit` (SPEC §2 id rule); `missing` is the sentence for an empty field.
    static Problem checkId(QLineEdit* edit, const QString& missing);

private:
    QVBoxLayout* m_layout = nullptr;
    QFormLayout* m_form = nullptr;
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

// An entry of a picker: the id stored, the label shown ("Pro (pro)").
struct Choice
{
    QString id;
    QString label;
};
// Fills a combo box with choices (the id in the item data); `noneText` adds a first entry with an empty id.
void fillChoices(QComboBox* combo, const QList<Choice>& choices, const QString& noneText = {});
// Selects the entry with `id`; an id the list lacks is added, so editing never loses a value.
void selectChoice(QComboBox* combo, const QString& id);
QString choiceId(const QComboBox* combo);

// A quantity typed in the user's locale or in C notation ("1,000.5" or "1000.5"); nullopt when it is not a
// finite number.
std::optional<double> parseQuantity(const QString& text);
// The choices of core's enums, labelled for people, the wire name as id.
QList<Choice> aggregationChoices();
QList<Choice> periodChoices();
QList<Choice> limitModeChoices();

// "key=value" lines (metadata, dimension filters) <-> a map. Returns false and the 1-based bad line in
// `badLine` when a non-empty line has no '=' or an empty key.
bool parseKeyValueLines(const QString& text, QMap<QString, QString>* out, int* badLine);
QString keyValueLines(const QMap<QString, QString>& map);

} // namespace Meterline
