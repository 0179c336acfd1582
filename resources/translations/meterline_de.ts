<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>ChartStyle</name>
    <message>
        <source>billions</source>
        <translation>Milliarden</translation>
    </message>
    <message>
        <source>millions</source>
        <translation>Millionen</translation>
    </message>
    <message>
        <source>thousands</source>
        <translation>Tausend</translation>
    </message>
</context>
<context>
    <name>Meterline::AboutDialog</name>
    <message>
        <source>About Meterline</source>
        <translation>Über Meterline</translation>
    </message>
    <message>
        <source>Meterline %1</source>
        <translation>Meterline %1</translation>
    </message>
    <message>
        <source>Usage metering, limits and prepaid credits for AI products.
Check · Call · Record · Bill.

Connected to: %1
Qt %2</source>
        <translation>Nutzungsmessung, Limits und Prepaid-Guthaben für KI-Produkte.
Check · Call · Record · Bill.

Verbunden mit: %1
Qt %2</translation>
    </message>
</context>
<context>
    <name>Meterline::ActionRunner</name>
    <message>
        <source>%1…</source>
        <translation>%1 …</translation>
    </message>
    <message>
        <source>%1: the server is unreachable; queued, it is sent once when the server is back.</source>
        <translation>%1: Der Server ist nicht erreichbar; in die Warteschlange gestellt, wird einmal gesendet, sobald der Server wieder da ist.</translation>
    </message>
    <message>
        <source>%1: done.</source>
        <translation>%1: erledigt.</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>Meterline::ApiKeyEditor</name>
    <message>
        <source>New API Key</source>
        <translation>Neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>who uses it, e.g. backend</source>
        <translation>wer ihn nutzt, z. B. backend</translation>
    </message>
    <message>
        <source>ingest: check, record, reservations</source>
        <translation>ingest: Prüfen, Erfassen, Reservierungen</translation>
    </message>
    <message>
        <source>read: every read and export</source>
        <translation>read: alles Lesen und Exportieren</translation>
    </message>
    <message>
        <source>admin: everything</source>
        <translation>admin: alles</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>kein Limit</translation>
    </message>
    <message>
        <source> requests/s</source>
        <translation> Anfragen/s</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Scope:</source>
        <translation>&amp;Bereich:</translation>
    </message>
    <message>
        <source>&amp;Rate limit:</source>
        <translation>&amp;Ratenlimit:</translation>
    </message>
    <message>
        <source>Enter a name for the key, e.g. the service that uses it.</source>
        <translation>Geben Sie einen Namen für den Schlüssel ein, z. B. den Dienst, der ihn nutzt.</translation>
    </message>
    <message>
        <source>The name is too long (at most 256 characters).</source>
        <translation>Der Name ist zu lang (höchstens 256 Zeichen).</translation>
    </message>
</context>
<context>
    <name>Meterline::ApiKeysModel</name>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <source>Rate limit</source>
        <translation>Ratenlimit</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt genutzt</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ohne</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
</context>
<context>
    <name>Meterline::ApiKeysPage</name>
    <message>
        <source>API Keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>No API key yet. Create one for each service that checks and records usage.</source>
        <translation>Noch kein API-Schlüssel. Erstellen Sie einen für jeden Dienst, der Nutzung prüft und erfasst.</translation>
    </message>
    <message>
        <source>&amp;Create…</source>
        <translation>&amp;Erstellen …</translation>
    </message>
    <message>
        <source>&amp;Revoke…</source>
        <translation>&amp;Widerrufen …</translation>
    </message>
    <message>
        <source>Create API key &quot;%1&quot;</source>
        <translation>API-Schlüssel „%1“ erstellen</translation>
    </message>
    <message>
        <source>API Key Created</source>
        <translation>API-Schlüssel erstellt</translation>
    </message>
    <message>
        <source>The new key &quot;%1&quot; (%2). Give it to the service that uses it.</source>
        <translation>Der neue Schlüssel „%1“ (%2). Geben Sie ihn dem Dienst, der ihn nutzt.</translation>
    </message>
    <message>
        <source>Revoke API Key</source>
        <translation>API-Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Revoke the key &quot;%1&quot; (%2)? Every request with it is refused from now on. This cannot be undone.</source>
        <translation>Den Schlüssel „%1“ (%2) widerrufen? Jede Anfrage damit wird ab sofort abgelehnt. Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Revoke API key %1</source>
        <translation>API-Schlüssel %1 widerrufen</translation>
    </message>
</context>
<context>
    <name>Meterline::BalancesModel</name>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Guthaben</translation>
    </message>
    <message>
        <source>Reserve</source>
        <translation>Reserve</translation>
    </message>
    <message>
        <source>Held</source>
        <translation>Vorgemerkt</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
</context>
<context>
    <name>Meterline::BalancesPage</name>
    <message>
        <source>Balances</source>
        <translation>Guthaben</translation>
    </message>
    <message>
        <source>No customer has prepaid credits yet. Top up a customer to start.</source>
        <translation>Noch kein Kunde hat Prepaid-Guthaben. Laden Sie zum Start das Guthaben eines Kunden auf.</translation>
    </message>
    <message>
        <source>&amp;Top Up…</source>
        <translation>&amp;Aufladen …</translation>
    </message>
    <message>
        <source>Set &amp;Reserve…</source>
        <translation>&amp;Reserve festlegen …</translation>
    </message>
</context>
<context>
    <name>Meterline::BillingPage</name>
    <message>
        <source>Billing</source>
        <translation>Abrechnung</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Dieser Monat</translation>
    </message>
    <message>
        <source>Previous month</source>
        <translation>Vormonat</translation>
    </message>
    <message>
        <source>Custom days</source>
        <translation>Eigene Tage</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>Export &amp;Invoice CSV…</source>
        <translation>&amp;Rechnungs-CSV exportieren …</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Strg+E</translation>
    </message>
    <message>
        <source>Export &amp;Usage CSV…</source>
        <translation>&amp;Nutzungs-CSV exportieren …</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>No invoice lines: no customer with a priced plan.</source>
        <translation>Keine Rechnungspositionen: kein Kunde mit einem Tarif mit Preisen.</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) · total %1</source>
        <translation>
            <numerusform>%n Zeile · Summe %1</numerusform>
            <numerusform>%n Zeilen · Summe %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not compute the invoice lines: %1</source>
        <translation>Die Rechnungspositionen konnten nicht berechnet werden: %1</translation>
    </message>
    <message>
        <source>The period is empty: pick an end day on or after the first day.</source>
        <translation>Der Zeitraum ist leer: Wählen Sie einen Endtag am oder nach dem ersten Tag.</translation>
    </message>
    <message>
        <source>From %1 to %2 (UTC, the end excluded)</source>
        <translation>Von %1 bis %2 (UTC, Ende ausgeschlossen)</translation>
    </message>
    <message>
        <source>Export Invoice CSV</source>
        <translation>Rechnungs-CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export Usage CSV</source>
        <translation>Nutzungs-CSV exportieren</translation>
    </message>
    <message>
        <source>invoice CSV</source>
        <translation>Rechnungs-CSV</translation>
    </message>
    <message>
        <source>usage CSV</source>
        <translation>Nutzungs-CSV</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>Writing the %1 to %2…</source>
        <translation>Die %1 wird nach %2 geschrieben …</translation>
    </message>
    <message>
        <source>The %1 is in %2.</source>
        <translation>Die %1 liegt in %2.</translation>
    </message>
    <message>
        <source>The %1 was not written: %2</source>
        <translation>Die %1 wurde nicht geschrieben: %2</translation>
    </message>
    <message>
        <source>Export Failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>Meterline::ConnectionDialog</name>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>&amp;Local file</source>
        <translation>&amp;Lokale Datei</translation>
    </message>
    <message>
        <source>&amp;PostgreSQL</source>
        <translation>&amp;PostgreSQL</translation>
    </message>
    <message>
        <source>&amp;Remote server</source>
        <translation>&amp;Entfernter Server</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen …</translation>
    </message>
    <message>
        <source>Open or Create a Database</source>
        <translation>Datenbank öffnen oder anlegen</translation>
    </message>
    <message>
        <source>Meterline databases (*.db);;All files (*)</source>
        <translation>Meterline-Datenbanken (*.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>an admin key, mlk_…</source>
        <translation>ein Admin-Schlüssel, mlk_…</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>Server-&amp;URL:</translation>
    </message>
    <message>
        <source>Admin &amp;key:</source>
        <translation>Admin-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>The key is not saved: enter it each time.</source>
        <translation>Der Schlüssel wird nicht gespeichert: Geben Sie ihn jedes Mal ein.</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>Da&amp;tei:</translation>
    </message>
    <message>
        <source>A SQLite file; a new file is created and set up on first use.</source>
        <translation>Eine SQLite-Datei; eine neue Datei wird bei der ersten Nutzung angelegt und eingerichtet.</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>Passwords are not kept in the recent list; a ~/.pgpass entry avoids typing them.</source>
        <translation>Passwörter werden nicht in der Liste der letzten Verbindungen gespeichert; ein Eintrag in ~/.pgpass erspart das Eintippen.</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <source>Recent:</source>
        <translation>Zuletzt:</translation>
    </message>
    <message>
        <source>Choose the database file.</source>
        <translation>Wählen Sie die Datenbankdatei.</translation>
    </message>
    <message>
        <source>The URL starts with postgresql://, e.g. postgresql://user@host:5432/meterline.</source>
        <translation>Die URL beginnt mit postgresql://, z. B. postgresql://user@host:5432/meterline.</translation>
    </message>
    <message>
        <source>The server URL starts with http:// or https://, e.g. http://127.0.0.1:8787.</source>
        <translation>Die Server-URL beginnt mit http:// oder https://, z. B. http://127.0.0.1:8787.</translation>
    </message>
    <message>
        <source>Enter an admin key of that server (meterline-server keys create --scope admin).</source>
        <translation>Geben Sie einen Admin-Schlüssel dieses Servers ein (meterline-server keys create --scope admin).</translation>
    </message>
</context>
<context>
    <name>Meterline::CustomerActions</name>
    <message>
        <source>Create customer %1</source>
        <translation>Kunde %1 anlegen</translation>
    </message>
    <message>
        <source>Update customer %1</source>
        <translation>Kunde %1 aktualisieren</translation>
    </message>
    <message>
        <source>Set the reserve of %1</source>
        <translation>Reserve von %1 festlegen</translation>
    </message>
    <message>
        <source>Create a limit on %1</source>
        <translation>Limit für %1 anlegen</translation>
    </message>
</context>
<context>
    <name>Meterline::CustomerDetail</name>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten …</translation>
    </message>
    <message>
        <source>&amp;Top Up…</source>
        <translation>&amp;Aufladen …</translation>
    </message>
    <message>
        <source>Set &amp;Reserve…</source>
        <translation>&amp;Reserve festlegen …</translation>
    </message>
    <message>
        <source>New &amp;Limit…</source>
        <translation>Neues &amp;Limit …</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Balance &amp;&amp; Ledger</source>
        <translation>Guthaben &amp;&amp; Buchungen</translation>
    </message>
    <message>
        <source>Recent Events</source>
        <translation>Letzte Ereignisse</translation>
    </message>
    <message>
        <source>Could not load the limits: %1</source>
        <translation>Die Limits konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Select a customer to see its usage, limits and ledger.</source>
        <translation>Wählen Sie einen Kunden, um seine Nutzung, Limits und Buchungen zu sehen.</translation>
    </message>
    <message>
        <source>%1 is no longer listed.</source>
        <translation>%1 ist nicht mehr aufgeführt.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)</translation>
    </message>
    <message>
        <source>Plan: %1</source>
        <translation>Tarif: %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>External id: %1</source>
        <translation>Externe ID: %1</translation>
    </message>
    <message>
        <source>Balance %1 · reserve %2 · held %3 · available &lt;b&gt;%4&lt;/b&gt;</source>
        <translation>Guthaben %1 · Reserve %2 · vorgemerkt %3 · verfügbar &lt;b&gt;%4&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No prepaid credits</source>
        <translation>Kein Prepaid-Guthaben</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Limit consumption</source>
        <translation>Verbrauch der Limits</translation>
    </message>
    <message>
        <source>% of the limit used</source>
        <translation>% des Limits verbraucht</translation>
    </message>
    <message>
        <source>No limit applies to this customer</source>
        <translation>Für diesen Kunden gilt kein Limit</translation>
    </message>
</context>
<context>
    <name>Meterline::CustomerEditor</name>
    <message>
        <source>New Customer</source>
        <translation>Neuer Kunde</translation>
    </message>
    <message>
        <source>e.g. cust_acme</source>
        <translation>z. B. cust_acme</translation>
    </message>
    <message>
        <source>(no plan)</source>
        <translation>(kein Tarif)</translation>
    </message>
    <message>
        <source>the id in your billing system, e.g. cus_…</source>
        <translation>die ID in Ihrem Abrechnungssystem, z. B. cus_…</translation>
    </message>
    <message>
        <source>one key=value per line</source>
        <translation>ein Schlüssel=Wert pro Zeile</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>&amp;ID:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Plan:</source>
        <translation>&amp;Tarif:</translation>
    </message>
    <message>
        <source>&amp;External id:</source>
        <translation>&amp;Externe ID:</translation>
    </message>
    <message>
        <source>&amp;Metadata:</source>
        <translation>&amp;Metadaten:</translation>
    </message>
    <message>
        <source>Edit Customer %1</source>
        <translation>Kunde %1 bearbeiten</translation>
    </message>
    <message>
        <source>Enter the customer&apos;s id.</source>
        <translation>Geben Sie die ID des Kunden ein.</translation>
    </message>
    <message>
        <source>Enter the customer&apos;s name.</source>
        <translation>Geben Sie den Namen des Kunden ein.</translation>
    </message>
    <message>
        <source>Metadata line %1 is not key=value.</source>
        <translation>Metadatenzeile %1 hat nicht die Form Schlüssel=Wert.</translation>
    </message>
</context>
<context>
    <name>Meterline::CustomersModel</name>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Tarif</translation>
    </message>
    <message>
        <source>External id</source>
        <translation>Externe ID</translation>
    </message>
    <message>
        <source>%1 this month</source>
        <translation>%1 diesen Monat</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>No plan</source>
        <translation>Kein Tarif</translation>
    </message>
    <message>
        <source>No limits</source>
        <translation>Keine Limits</translation>
    </message>
    <message>
        <source>OK (%1)</source>
        <translation>OK (%1)</translation>
    </message>
    <message>
        <source>Near (%1)</source>
        <translation>Nah (%1)</translation>
    </message>
    <message>
        <source>Over (%1)</source>
        <translation>Über (%1)</translation>
    </message>
    <message>
        <source>Closest limit: %1</source>
        <translation>Nächstes Limit: %1</translation>
    </message>
    <message>
        <source>No prepaid credits</source>
        <translation>Kein Prepaid-Guthaben</translation>
    </message>
</context>
<context>
    <name>Meterline::CustomersPage</name>
    <message>
        <source>Customers</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>&amp;New…</source>
        <translation>&amp;Neu …</translation>
    </message>
</context>
<context>
    <name>Meterline::Dashboard::TopUpFlow</name>
    <message>
        <source>The amount must be more than zero.</source>
        <translation>Der Betrag muss größer als null sein.</translation>
    </message>
    <message numerus="yes">
        <source>The reason is longer than %n characters.</source>
        <translation>
            <numerusform>Der Grund ist länger als %n Zeichen.</numerusform>
            <numerusform>Der Grund ist länger als %n Zeichen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Meterline::EventsModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>Ereignistyp</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation>Dimensionen</translation>
    </message>
    <message>
        <source>Idempotency key</source>
        <translation>Idempotenzschlüssel</translation>
    </message>
    <message>
        <source>Event id</source>
        <translation>Ereignis-ID</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Erfasst</translation>
    </message>
</context>
<context>
    <name>Meterline::EventsPage</name>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>any type, e.g. llm.completion</source>
        <translation>jeder Typ, z. B. llm.completion</translation>
    </message>
    <message>
        <source>model=gpt-4o, provider=openai</source>
        <translation>model=gpt-4o, provider=openai</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>Before:</source>
        <translation>Vor:</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Customer:</source>
        <translation>Kunde:</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <source>Dimensions:</source>
        <translation>Dimensionen:</translation>
    </message>
    <message>
        <source>Could not load the events: %1</source>
        <translation>Die Ereignisse konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>(any customer)</source>
        <translation>(jeder Kunde)</translation>
    </message>
    <message>
        <source>Dimension %1 is not key=value (write them as model=gpt-4o, provider=openai).</source>
        <translation>Dimension %1 hat nicht die Form Schlüssel=Wert (schreiben Sie sie als model=gpt-4o, provider=openai).</translation>
    </message>
    <message>
        <source>The range is empty: &quot;Before&quot; must be later than &quot;From&quot;.</source>
        <translation>Der Bereich ist leer: „Vor“ muss später als „Von“ sein.</translation>
    </message>
    <message>
        <source>Loading events…</source>
        <translation>Ereignisse werden geladen …</translation>
    </message>
    <message>
        <source>No event matches this filter.</source>
        <translation>Kein Ereignis passt zu diesem Filter.</translation>
    </message>
    <message>
        <source>%1 newest events shown; scroll down for older ones.</source>
        <translation>Die %1 neuesten Ereignisse werden angezeigt; für ältere nach unten blättern.</translation>
    </message>
    <message>
        <source>All %1 matching events shown.</source>
        <translation>Alle %1 passenden Ereignisse werden angezeigt.</translation>
    </message>
</context>
<context>
    <name>Meterline::FormDialog</name>
    <message>
        <source>The id may use only letters, digits and . _ : - (at most 128 characters).</source>
        <translation>Die ID darf nur Buchstaben, Ziffern und . _ : - enthalten (höchstens 128 Zeichen).</translation>
    </message>
    <message>
        <source>Sum of values</source>
        <translation>Summe der Werte</translation>
    </message>
    <message>
        <source>Count of events</source>
        <translation>Anzahl der Ereignisse</translation>
    </message>
    <message>
        <source>Maximum value</source>
        <translation>Höchster Wert</translation>
    </message>
    <message>
        <source>Distinct values of a dimension</source>
        <translation>Verschiedene Werte einer Dimension</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>Stunde</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Week (from Monday)</source>
        <translation>Woche (ab Montag)</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Monat</translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>Gesamte Laufzeit</translation>
    </message>
    <message>
        <source>Hard (denies)</source>
        <translation>Hart (lehnt ab)</translation>
    </message>
    <message>
        <source>Soft (only notifies)</source>
        <translation>Weich (benachrichtigt nur)</translation>
    </message>
</context>
<context>
    <name>Meterline::InvoiceLinesModel</name>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Tarif</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Menge</translation>
    </message>
    <message>
        <source>Included</source>
        <translation>Inklusive</translation>
    </message>
    <message>
        <source>Billable</source>
        <translation>Abrechenbar</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>Stückpreis</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>%1 per %2</source>
        <translation>%1 pro %2</translation>
    </message>
</context>
<context>
    <name>Meterline::LedgerModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Balance after</source>
        <translation>Guthaben danach</translation>
    </message>
    <message>
        <source>Unpaid</source>
        <translation>Unbezahlt</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
</context>
<context>
    <name>Meterline::LimitEditor</name>
    <message>
        <source>New Limit</source>
        <translation>Neues Limit</translation>
    </message>
    <message>
        <source>Every customer on a plan</source>
        <translation>Jeder Kunde eines Tarifs</translation>
    </message>
    <message>
        <source>One customer (overrides the plan)</source>
        <translation>Ein Kunde (ersetzt den Tarif)</translation>
    </message>
    <message>
        <source>the cap, e.g. 1000000</source>
        <translation>die Obergrenze, z. B. 1000000</translation>
    </message>
    <message>
        <source>&amp;Applies to:</source>
        <translation>&amp;Gilt für:</translation>
    </message>
    <message>
        <source>&amp;Plan or customer:</source>
        <translation>&amp;Tarif oder Kunde:</translation>
    </message>
    <message>
        <source>&amp;Meter:</source>
        <translation>&amp;Zähler:</translation>
    </message>
    <message>
        <source>P&amp;eriod:</source>
        <translation>Zeit&amp;raum:</translation>
    </message>
    <message>
        <source>&amp;Cap:</source>
        <translation>&amp;Obergrenze:</translation>
    </message>
    <message>
        <source>M&amp;ode:</source>
        <translation>&amp;Modus:</translation>
    </message>
    <message>
        <source>Edit Limit %1</source>
        <translation>Limit %1 bearbeiten</translation>
    </message>
    <message>
        <source>Choose the plan the limit applies to.</source>
        <translation>Wählen Sie den Tarif, für den das Limit gilt.</translation>
    </message>
    <message>
        <source>Choose the customer the limit applies to.</source>
        <translation>Wählen Sie den Kunden, für den das Limit gilt.</translation>
    </message>
    <message>
        <source>Choose the meter the limit caps.</source>
        <translation>Wählen Sie den Zähler, den das Limit begrenzt.</translation>
    </message>
    <message>
        <source>The cap must be a number, e.g. 1000000.</source>
        <translation>Die Obergrenze muss eine Zahl sein, z. B. 1000000.</translation>
    </message>
    <message>
        <source>The cap must be greater than zero.</source>
        <translation>Die Obergrenze muss größer als null sein.</translation>
    </message>
</context>
<context>
    <name>Meterline::LimitStatusModel</name>
    <message>
        <source>Meter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Verbraucht</translation>
    </message>
    <message>
        <source>Cap</source>
        <translation>Obergrenze</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>Verbleibend</translation>
    </message>
    <message>
        <source>Consumed</source>
        <translation>Verbrauch</translation>
    </message>
    <message>
        <source>Resets</source>
        <translation>Zurückgesetzt</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
</context>
<context>
    <name>Meterline::LimitsModel</name>
    <message>
        <source>Limit</source>
        <translation>Limit</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Bereich</translation>
    </message>
    <message>
        <source>Plan or customer</source>
        <translation>Tarif oder Kunde</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Cap</source>
        <translation>Obergrenze</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>Meterline::MainWindow</name>
    <message>
        <source>Meterline</source>
        <translation>Meterline</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Verbinden …</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Export Invoice CSV…</source>
        <translation>Rechnungs-CSV &amp;exportieren …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>New &amp;Customer…</source>
        <translation>Neuer &amp;Kunde …</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Meterline</source>
        <translation>Ü&amp;ber Meterline</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Meterline — %1</source>
        <translation>Meterline — %1</translation>
    </message>
    <message>
        <source>Remote server %1</source>
        <translation>Entfernter Server %1</translation>
    </message>
    <message>
        <source>Local database %1</source>
        <translation>Lokale Datenbank %1</translation>
    </message>
    <message numerus="yes">
        <source>retrying in %n s</source>
        <translation>
            <numerusform>neuer Versuch in %n s</numerusform>
            <numerusform>neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Up to date · last sync %1</source>
        <translation>Aktuell · letzte Synchronisation %1</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>Synchronisiere …</translation>
    </message>
    <message>
        <source>Syncing… (last success %1)</source>
        <translation>Synchronisiere … (zuletzt erfolgreich %1)</translation>
    </message>
    <message>
        <source>Offline: %1 — %2</source>
        <translation>Offline: %1 — %2</translation>
    </message>
    <message>
        <source>Offline: %1 — %2 (last success %3)</source>
        <translation>Offline: %1 — %2 (zuletzt erfolgreich %3)</translation>
    </message>
    <message>
        <source>Sync failed: %1 — %2</source>
        <translation>Synchronisation fehlgeschlagen: %1 — %2</translation>
    </message>
    <message>
        <source>Sync failed: %1 — %2 (last success %3)</source>
        <translation>Synchronisation fehlgeschlagen: %1 — %2 (zuletzt erfolgreich %3)</translation>
    </message>
    <message numerus="yes">
        <source>%n action(s) waiting for the server</source>
        <translation>
            <numerusform>%n Aktion wartet auf den Server</numerusform>
            <numerusform>%n Aktionen warten auf den Server</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading customers… %1 of %2</source>
        <translation>Kunden werden geladen… %1 von %2</translation>
    </message>
</context>
<context>
    <name>Meterline::MeterEditor</name>
    <message>
        <source>New Meter</source>
        <translation>Neuer Zähler</translation>
    </message>
    <message>
        <source>e.g. llm-tokens</source>
        <translation>z. B. llm-tokens</translation>
    </message>
    <message>
        <source>comma-separated, e.g. llm.completion, llm.*  (empty: every type)</source>
        <translation>durch Kommas getrennt, z. B. llm.completion, llm.*  (leer: jeder Typ)</translation>
    </message>
    <message>
        <source>the dimension whose distinct values are counted, e.g. user</source>
        <translation>die Dimension, deren verschiedene Werte gezählt werden, z. B. user</translation>
    </message>
    <message>
        <source>one key=value1,value2 per line (only matching events count)</source>
        <translation>ein Schlüssel=Wert1,Wert2 pro Zeile (nur passende Ereignisse zählen)</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>&amp;ID:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Aggregation:</source>
        <translation>&amp;Aggregation:</translation>
    </message>
    <message>
        <source>&amp;Event types:</source>
        <translation>&amp;Ereignistypen:</translation>
    </message>
    <message>
        <source>Counted &amp;dimension:</source>
        <translation>Gezählte &amp;Dimension:</translation>
    </message>
    <message>
        <source>Dimension &amp;filters:</source>
        <translation>Dimensions&amp;filter:</translation>
    </message>
    <message>
        <source>Edit Meter %1</source>
        <translation>Zähler %1 bearbeiten</translation>
    </message>
    <message>
        <source>Enter the meter&apos;s id.</source>
        <translation>Geben Sie die ID des Zählers ein.</translation>
    </message>
    <message>
        <source>Enter the meter&apos;s name.</source>
        <translation>Geben Sie den Namen des Zählers ein.</translation>
    </message>
    <message>
        <source>The event type &quot;%1&quot; may use only letters, digits and . _ : - (and a final *).</source>
        <translation>Der Ereignistyp „%1“ darf nur Buchstaben, Ziffern und . _ : - enthalten (und ein abschließendes *).</translation>
    </message>
    <message>
        <source>A distinct-values meter needs the dimension it counts.</source>
        <translation>Ein Zähler für verschiedene Werte braucht die Dimension, die er zählt.</translation>
    </message>
    <message>
        <source>Filter line %1 is not key=value1,value2.</source>
        <translation>Filterzeile %1 hat nicht die Form Schlüssel=Wert1,Wert2.</translation>
    </message>
    <message>
        <source>The filter on &quot;%1&quot; lists no value.</source>
        <translation>Der Filter auf „%1“ nennt keinen Wert.</translation>
    </message>
</context>
<context>
    <name>Meterline::MetersModel</name>
    <message>
        <source>Meter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Aggregation</source>
        <translation>Aggregation</translation>
    </message>
    <message>
        <source>Event types</source>
        <translation>Ereignistypen</translation>
    </message>
    <message>
        <source>Dimension</source>
        <translation>Dimension</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Only events with %1</source>
        <translation>Nur Ereignisse mit %1</translation>
    </message>
    <message>
        <source> and </source>
        <translation> und </translation>
    </message>
</context>
<context>
    <name>Meterline::MetersPage</name>
    <message>
        <source>Meters</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>&amp;New…</source>
        <translation>&amp;Neu …</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten …</translation>
    </message>
    <message>
        <source>Create meter %1</source>
        <translation>Zähler %1 anlegen</translation>
    </message>
    <message>
        <source>Save meter %1 (past events are counted again)</source>
        <translation>Zähler %1 speichern (vergangene Ereignisse werden neu gezählt)</translation>
    </message>
</context>
<context>
    <name>Meterline::OverviewPage</name>
    <message>
        <source>Customers</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>Near a limit</source>
        <translation>Nah am Limit</translation>
    </message>
    <message>
        <source>Over a limit</source>
        <translation>Über dem Limit</translation>
    </message>
    <message>
        <source>Low balances</source>
        <translation>Niedrige Guthaben</translation>
    </message>
    <message>
        <source>Credits available</source>
        <translation>Verfügbares Guthaben</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Dieser Monat</translation>
    </message>
    <message>
        <source>Over or near a limit</source>
        <translation>Über oder nah am Limit</translation>
    </message>
    <message>
        <source>No customer is near a limit.</source>
        <translation>Kein Kunde ist nah an einem Limit.</translation>
    </message>
    <message>
        <source>No prepaid balance is low.</source>
        <translation>Kein Prepaid-Guthaben ist niedrig.</translation>
    </message>
    <message>
        <source>Usage, last 30 days</source>
        <translation>Nutzung, letzte 30 Tage</translation>
    </message>
    <message>
        <source>Top customers this month</source>
        <translation>Top-Kunden diesen Monat</translation>
    </message>
    <message>
        <source>Could not load the top customers: %1</source>
        <translation>Die Top-Kunden konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>%1 this month</source>
        <translation>%1 diesen Monat</translation>
    </message>
    <message>
        <source>No usage of %1 this month yet</source>
        <translation>Diesen Monat noch keine Nutzung von %1</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
</context>
<context>
    <name>Meterline::PlanEditor</name>
    <message>
        <source>New Plan</source>
        <translation>Neuer Tarif</translation>
    </message>
    <message>
        <source>e.g. pro</source>
        <translation>z. B. pro</translation>
    </message>
    <message>
        <source>Meter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>Stückpreis</translation>
    </message>
    <message>
        <source>Per units</source>
        <translation>Pro Einheiten</translation>
    </message>
    <message>
        <source>Included units</source>
        <translation>Inklusive Einheiten</translation>
    </message>
    <message>
        <source>Credits per unit</source>
        <translation>Guthaben pro Einheit</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Cap</source>
        <translation>Obergrenze</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>&amp;ID:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Currency:</source>
        <translation>&amp;Währung:</translation>
    </message>
    <message>
        <source>Prices:</source>
        <translation>Preise:</translation>
    </message>
    <message>
        <source>Limits:</source>
        <translation>Limits:</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Edit Plan %1</source>
        <translation>Tarif %1 bearbeiten</translation>
    </message>
    <message>
        <source>Enter the plan&apos;s id.</source>
        <translation>Geben Sie die ID des Tarifs ein.</translation>
    </message>
    <message>
        <source>Enter the plan&apos;s name.</source>
        <translation>Geben Sie den Namen des Tarifs ein.</translation>
    </message>
    <message>
        <source>The currency is a three-letter code, e.g. USD.</source>
        <translation>Die Währung ist ein Code aus drei Buchstaben, z. B. USD.</translation>
    </message>
    <message>
        <source>Price %1: choose a meter.</source>
        <translation>Preis %1: Wählen Sie einen Zähler.</translation>
    </message>
    <message>
        <source>Price %1: the meter %2 already has a price.</source>
        <translation>Preis %1: Der Zähler %2 hat bereits einen Preis.</translation>
    </message>
    <message>
        <source>Price %1: the unit price must be an amount of at most 6 decimals, e.g. 0.000002.</source>
        <translation>Preis %1: Der Stückpreis muss ein Betrag mit höchstens 6 Nachkommastellen sein, z. B. 0.000002.</translation>
    </message>
    <message>
        <source>Price %1: &quot;per units&quot; must be a whole number of at least 1.</source>
        <translation>Preis %1: „Pro Einheiten“ muss eine ganze Zahl von mindestens 1 sein.</translation>
    </message>
    <message>
        <source>Price %1: the included units must be a number of at least 0.</source>
        <translation>Preis %1: Die inklusiven Einheiten müssen eine Zahl von mindestens 0 sein.</translation>
    </message>
    <message>
        <source>Price %1: the credits per unit must be an amount of at least 0.</source>
        <translation>Preis %1: Das Guthaben pro Einheit muss ein Betrag von mindestens 0 sein.</translation>
    </message>
    <message>
        <source>Limit %1: choose a meter.</source>
        <translation>Limit %1: Wählen Sie einen Zähler.</translation>
    </message>
    <message>
        <source>Limit %1: the plan already caps this meter over this period.</source>
        <translation>Limit %1: Der Tarif begrenzt diesen Zähler in diesem Zeitraum bereits.</translation>
    </message>
    <message>
        <source>Limit %1: the cap must be a number greater than zero.</source>
        <translation>Limit %1: Die Obergrenze muss eine Zahl größer als null sein.</translation>
    </message>
</context>
<context>
    <name>Meterline::PlansModel</name>
    <message>
        <source>Plan</source>
        <translation>Tarif</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>Prices</source>
        <translation>Preise</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>%1 per %2: %3 (%4)</source>
        <translation>%1 pro %2: %3 (%4)</translation>
    </message>
    <message>
        <source>%1: %2 %3 per %4, %5 included</source>
        <translation>%1: %2 %3 pro %4, %5 inklusive</translation>
    </message>
</context>
<context>
    <name>Meterline::PlansPage</name>
    <message>
        <source>Plans</source>
        <translation>Tarife</translation>
    </message>
    <message>
        <source>&amp;New…</source>
        <translation>&amp;Neu …</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten …</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>Limits</translation>
    </message>
    <message>
        <source>New &amp;Limit…</source>
        <translation>Neues &amp;Limit …</translation>
    </message>
    <message>
        <source>Edit L&amp;imit…</source>
        <translation>L&amp;imit bearbeiten …</translation>
    </message>
    <message>
        <source>&amp;Delete Limit…</source>
        <translation>Limit lö&amp;schen …</translation>
    </message>
    <message>
        <source>Create plan %1</source>
        <translation>Tarif %1 anlegen</translation>
    </message>
    <message>
        <source>Save plan %1</source>
        <translation>Tarif %1 speichern</translation>
    </message>
    <message>
        <source>Save limit %1</source>
        <translation>Limit %1 speichern</translation>
    </message>
    <message>
        <source>Delete Limit</source>
        <translation>Limit löschen</translation>
    </message>
    <message>
        <source>Delete the limit %1? Customers it capped are no longer capped by it.</source>
        <translation>Das Limit %1 löschen? Die Kunden, die es begrenzt hat, werden dann nicht mehr davon begrenzt.</translation>
    </message>
    <message>
        <source>Delete limit %1</source>
        <translation>Limit %1 löschen</translation>
    </message>
    <message>
        <source>Plans &amp; Limits</source>
        <translation>Tarife &amp; Limits</translation>
    </message>
</context>
<context>
    <name>Meterline::RankingChart</name>
    <message>
        <source>No data loaded yet</source>
        <translation>Noch keine Daten geladen</translation>
    </message>
    <message>
        <source>normal</source>
        <translation>normal</translation>
    </message>
    <message>
        <source>near</source>
        <translation>nah</translation>
    </message>
    <message>
        <source>over</source>
        <translation>über</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>Meterline::ReserveDialog</name>
    <message>
        <source>Set Reserve of %1</source>
        <translation>Reserve von %1 festlegen</translation>
    </message>
    <message>
        <source>Balance:</source>
        <translation>Guthaben:</translation>
    </message>
    <message>
        <source>&amp;Reserve:</source>
        <translation>&amp;Reserve:</translation>
    </message>
    <message>
        <source>The reserve is kept back: checks see only the balance minus the reserve and open holds. Usage may still consume it.</source>
        <translation>Die Reserve wird zurückgehalten: Prüfungen sehen nur das Guthaben abzüglich der Reserve und offener Vormerkungen. Nutzung kann sie dennoch verbrauchen.</translation>
    </message>
    <message>
        <source>The reserve must be an amount with at most 6 decimals, e.g. 5 or 2.5.</source>
        <translation>Die Reserve muss ein Betrag mit höchstens 6 Nachkommastellen sein, z. B. 5 oder 2,5.</translation>
    </message>
    <message>
        <source>The reserve cannot be negative.</source>
        <translation>Die Reserve kann nicht negativ sein.</translation>
    </message>
</context>
<context>
    <name>Meterline::ScreenshotRunner</name>
    <message>
        <source>no screenshots within %1 s</source>
        <translation>keine Bildschirmfotos innerhalb von %1 s</translation>
    </message>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>Meterline::SecretDialog</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>&lt;b&gt;This is the only time it is shown.&lt;/b&gt; Store it now; it cannot be read again.</source>
        <translation>&lt;b&gt;Er wird nur dieses eine Mal angezeigt.&lt;/b&gt; Speichern Sie ihn jetzt; er kann nicht erneut gelesen werden.</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
</context>
<context>
    <name>Meterline::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Exact, 6 decimals (%1)</source>
        <translation>Exakt, 6 Nachkommastellen (%1)</translation>
    </message>
    <message>
        <source>In my locale, 2 decimals (%1)</source>
        <translation>In meinem Gebietsschema, 2 Nachkommastellen (%1)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Takes effect with the next connection (Ctrl+O, or the next start).</source>
        <translation>Wirkt ab der nächsten Verbindung (Strg+O oder beim nächsten Start).</translation>
    </message>
    <message>
        <source>&amp;Money:</source>
        <translation>&amp;Geldbeträge:</translation>
    </message>
    <message>
        <source>&amp;Sync every:</source>
        <translation>&amp;Synchronisieren alle:</translation>
    </message>
    <message>
        <source>&amp;Low balance at or below:</source>
        <translation>&amp;Niedriges Guthaben bei höchstens:</translation>
    </message>
    <message>
        <source>Restore &amp;Defaults</source>
        <translation>Stan&amp;dardwerte wiederherstellen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>&amp;Connect to Another Source…</source>
        <translation>Mit anderer &amp;Quelle verbinden …</translation>
    </message>
    <message>
        <source>The low-balance threshold must be an amount of at least 0, e.g. 10 or 2.5.</source>
        <translation>Die Schwelle für niedriges Guthaben muss ein Betrag von mindestens 0 sein, z. B. 10 oder 2,5.</translation>
    </message>
</context>
<context>
    <name>Meterline::TablePanel</name>
    <message>
        <source>Filter (Ctrl+F)</source>
        <translation>Filter (Strg+F)</translation>
    </message>
    <message>
        <source>Nothing here yet.</source>
        <translation>Hier ist noch nichts.</translation>
    </message>
</context>
<context>
    <name>Meterline::TopUpDialog</name>
    <message>
        <source>Top Up %1</source>
        <translation>%1 aufladen</translation>
    </message>
    <message>
        <source>%1 (available %2)</source>
        <translation>%1 (verfügbar %2)</translation>
    </message>
    <message>
        <source>credits, e.g. 25 or 12.5</source>
        <translation>Guthaben, z. B. 25 oder 12,5</translation>
    </message>
    <message>
        <source>e.g. invoice INV-1042 paid</source>
        <translation>z. B. Rechnung INV-1042 bezahlt</translation>
    </message>
    <message>
        <source>Customer:</source>
        <translation>Kunde:</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Balance now:</source>
        <translation>Guthaben jetzt:</translation>
    </message>
    <message>
        <source>&amp;Amount:</source>
        <translation>&amp;Betrag:</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>&amp;Review…</source>
        <translation>&amp;Prüfen …</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>&amp;Zurück</translation>
    </message>
    <message>
        <source>&amp;Credit</source>
        <translation>Gut&amp;schreiben</translation>
    </message>
    <message>
        <source>Sending the top-up…</source>
        <translation>Die Aufladung wird gesendet …</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Enter the amount to credit.</source>
        <translation>Geben Sie den Betrag ein, der gutgeschrieben werden soll.</translation>
    </message>
    <message>
        <source>The amount must be a number with at most 6 decimals, e.g. 25 or 12.5.</source>
        <translation>Der Betrag muss eine Zahl mit höchstens 6 Nachkommastellen sein, z. B. 25 oder 12,5.</translation>
    </message>
    <message>
        <source>The amount must be greater than zero.</source>
        <translation>Der Betrag muss größer als null sein.</translation>
    </message>
    <message>
        <source>Enter a reason: it is kept in the ledger with the credit.</source>
        <translation>Geben Sie einen Grund ein: Er wird mit der Gutschrift in den Buchungen festgehalten.</translation>
    </message>
    <message>
        <source>Credit %1 to %2?

Balance now: %3
Balance after: %4

Reason: %5</source>
        <translation>%1 an %2 gutschreiben?

Guthaben jetzt: %3
Guthaben danach: %4

Grund: %5</translation>
    </message>
    <message>
        <source>This top-up had already been credited (an earlier attempt reached the server).</source>
        <translation>Diese Aufladung war bereits gutgeschrieben (ein früherer Versuch hat den Server erreicht).</translation>
    </message>
    <message>
        <source>Credited %1 to %2.</source>
        <translation>%1 an %2 gutgeschrieben.</translation>
    </message>
    <message>
        <source>%1

New balance: %2
Available: %3</source>
        <translation>%1

Neues Guthaben: %2
Verfügbar: %3</translation>
    </message>
    <message>
        <source>The server cannot be reached. The top-up of %1 waits in the local queue and is sent, once, when the server is back.</source>
        <translation>Der Server ist nicht erreichbar. Die Aufladung um %1 wartet in der lokalen Warteschlange und wird einmal gesendet, sobald der Server wieder da ist.</translation>
    </message>
    <message>
        <source>The top-up was not confirmed: %1

Retry sends the same top-up again; it is credited at most once.</source>
        <translation>Die Aufladung wurde nicht bestätigt: %1

„Wiederholen“ sendet dieselbe Aufladung erneut; sie wird höchstens einmal gutgeschrieben.</translation>
    </message>
</context>
<context>
    <name>Meterline::UsageChart</name>
    <message>
        <source>No usage loaded yet</source>
        <translation>Noch keine Nutzung geladen</translation>
    </message>
    <message>
        <source>No usage of %1 in this range</source>
        <translation>Keine Nutzung von %1 in diesem Bereich</translation>
    </message>
    <message>
        <source>hour</source>
        <translation>Stunde</translation>
    </message>
    <message>
        <source>day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>month</source>
        <translation>Monat</translation>
    </message>
    <message>
        <source>%1 per %2</source>
        <translation>%1 pro %2</translation>
    </message>
    <message>
        <source>UTC</source>
        <translation>UTC</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1: %2 %3</source>
        <translation>%1: %2 %3</translation>
    </message>
</context>
<context>
    <name>Meterline::UsagePanel</name>
    <message>
        <source>events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>distinct %1</source>
        <translation>verschiedene %1</translation>
    </message>
    <message>
        <source>per hour</source>
        <translation>pro Stunde</translation>
    </message>
    <message>
        <source>per day</source>
        <translation>pro Tag</translation>
    </message>
    <message>
        <source>per month</source>
        <translation>pro Monat</translation>
    </message>
    <message>
        <source>Meter:</source>
        <translation>Zähler:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>to:</source>
        <translation>bis:</translation>
    </message>
    <message>
        <source>(UTC)</source>
        <translation>(UTC)</translation>
    </message>
    <message>
        <source>Could not load the usage: %1</source>
        <translation>Die Nutzung konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>No meter defined yet</source>
        <translation>Noch kein Zähler angelegt</translation>
    </message>
    <message>
        <source>The range ends before it starts: pick a later end date.</source>
        <translation>Der Bereich endet, bevor er beginnt: Wählen Sie ein späteres Enddatum.</translation>
    </message>
</context>
<context>
    <name>Meterline::WebhookDeliveriesModel</name>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Last status</source>
        <translation>Letzter Status</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Next attempt</source>
        <translation>Nächster Versuch</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Zustellung</translation>
    </message>
</context>
<context>
    <name>Meterline::WebhookEditor</name>
    <message>
        <source>New Webhook</source>
        <translation>Neuer Webhook</translation>
    </message>
    <message>
        <source>https://example.com/hooks/meterline</source>
        <translation>https://example.com/hooks/meterline</translation>
    </message>
    <message>
        <source>optional: available below this sends balance.low</source>
        <translation>optional: verfügbares Guthaben darunter sendet balance.low</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>Events:</source>
        <translation>Ereignisse:</translation>
    </message>
    <message>
        <source>Low balance &amp;below:</source>
        <translation>Niedriges &amp;Guthaben unter:</translation>
    </message>
    <message>
        <source>Enter the URL that receives the webhooks.</source>
        <translation>Geben Sie die URL ein, die die Webhooks empfängt.</translation>
    </message>
    <message>
        <source>The URL must start with https:// or http:// and name a host.</source>
        <translation>Die URL muss mit https:// oder http:// beginnen und einen Host nennen.</translation>
    </message>
    <message>
        <source>Choose at least one event type.</source>
        <translation>Wählen Sie mindestens einen Ereignistyp.</translation>
    </message>
    <message>
        <source>The low-balance threshold must be an amount of at least 0, e.g. 10.</source>
        <translation>Die Schwelle für niedriges Guthaben muss ein Betrag von mindestens 0 sein, z. B. 10.</translation>
    </message>
</context>
<context>
    <name>Meterline::WebhooksModel</name>
    <message>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Low balance at</source>
        <translation>Niedriges Guthaben bei</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
</context>
<context>
    <name>Meterline::WebhooksPage</name>
    <message>
        <source>Webhooks</source>
        <translation>Webhooks</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen …</translation>
    </message>
    <message>
        <source>Send &amp;Test</source>
        <translation>&amp;Test senden</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen …</translation>
    </message>
    <message>
        <source>No webhook yet. Add an endpoint to hear about limits and low balances.</source>
        <translation>Noch kein Webhook. Fügen Sie einen Endpunkt hinzu, um von Limits und niedrigen Guthaben zu erfahren.</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Zustellungen</translation>
    </message>
    <message>
        <source>Select a webhook to see its deliveries.</source>
        <translation>Wählen Sie einen Webhook, um seine Zustellungen zu sehen.</translation>
    </message>
    <message>
        <source>Retry &amp;Now</source>
        <translation>&amp;Jetzt wiederholen</translation>
    </message>
    <message>
        <source>Deliveries (could not load: %1)</source>
        <translation>Zustellungen (konnten nicht geladen werden: %1)</translation>
    </message>
    <message>
        <source>Deliveries of %1</source>
        <translation>Zustellungen von %1</translation>
    </message>
    <message>
        <source>Add webhook %1</source>
        <translation>Webhook %1 hinzufügen</translation>
    </message>
    <message>
        <source>Webhook Added</source>
        <translation>Webhook hinzugefügt</translation>
    </message>
    <message>
        <source>The signing secret of %1. Your endpoint verifies the webhook-signature header with it (Standard Webhooks).</source>
        <translation>Das Signaturgeheimnis von %1. Ihr Endpunkt prüft damit den Header webhook-signature (Standard Webhooks).</translation>
    </message>
    <message>
        <source>Remove Webhook</source>
        <translation>Webhook entfernen</translation>
    </message>
    <message>
        <source>Remove the webhook %1 (%2)? Pending deliveries to it are dropped.</source>
        <translation>Den Webhook %1 (%2) entfernen? Ausstehende Zustellungen an ihn werden verworfen.</translation>
    </message>
    <message>
        <source>Remove webhook %1</source>
        <translation>Webhook %1 entfernen</translation>
    </message>
    <message>
        <source>Send a test to webhook %1</source>
        <translation>Test an Webhook %1 senden</translation>
    </message>
    <message>
        <source>Retry delivery %1</source>
        <translation>Zustellung %1 wiederholen</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Meterline operator console: usage, limits and prepaid credits.</source>
        <translation>Meterline-Bedienkonsole: Nutzung, Limits und Prepaid-Guthaben.</translation>
    </message>
    <message>
        <source>The database: a SQLite file or postgresql://… (default: %1).</source>
        <translation>Die Datenbank: eine SQLite-Datei oder postgresql://… (Standard: %1).</translation>
    </message>
    <message>
        <source>path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>A meterline-server URL, e.g. http://127.0.0.1:8787.</source>
        <translation>Eine meterline-server-URL, z. B. http://127.0.0.1:8787.</translation>
    </message>
    <message>
        <source>url</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>An admin key of that server (with --server).</source>
        <translation>Ein Admin-Schlüssel dieses Servers (mit --server).</translation>
    </message>
    <message>
        <source>key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Save a PNG of each main page into this folder once the data arrived, then exit.</source>
        <translation>Sobald die Daten da sind, ein PNG jeder Hauptseite in diesem Ordner speichern, dann beenden.</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>unexpected argument: %1</source>
        <translation>unerwartetes Argument: %1</translation>
    </message>
    <message>
        <source>--db and --server exclude each other</source>
        <translation>--db und --server schließen einander aus</translation>
    </message>
    <message>
        <source>--server needs --key (an admin key), and --key needs --server</source>
        <translation>--server braucht --key (einen Admin-Schlüssel), und --key braucht --server</translation>
    </message>
    <message>
        <source>--server needs an http:// or https:// URL, got %1</source>
        <translation>--server braucht eine http://- oder https://-URL, erhalten: %1</translation>
    </message>
    <message>
        <source>--db needs a path</source>
        <translation>--db braucht einen Pfad</translation>
    </message>
    <message>
        <source>cannot create the folder %1</source>
        <translation>der Ordner %1 kann nicht angelegt werden</translation>
    </message>
</context>
</TS>
