#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <optional>
#include <utility>

namespace Meterline::Api
{

// Where webhook deliveries may go. An endpoint's URL is a customer's input that the server will connect to, so by
// default a delivery goes only to a public Internet address over https: never to this host (loopback), the
// cloud's metadata service (169.254.169.254), the server's own network (private, shared, link-local ranges) or
// any other special-purpose range, and an IPv4 address wrapped in IPv6 (mapped, NAT64, 6to4) is judged as the
// IPv4 address it carries. The operator's allow-list (webhooks/allow-targets) names the hosts, addresses and CIDR
// ranges inside their own network that may receive deliveries anyway; hosts and addresses on it may use http.
//
// The URL is checked when an endpoint is created (what can be told without a lookup) and again before every
// attempt, after the host has been looked up: WebhookSender then connects to the address that was checked.
class WebhookTargets
{
public:
    WebhookTargets() = default; // nothing beyond public addresses over https

    // Entries separated by commas or spaces: host names ("hooks.internal"), addresses ("127.0.0.1", "::1",
    // "[::1]") and ranges ("10.0.0.0/8", "fd00::/8"). nullopt, with *error naming the entry, when one is neither.
    static std::optional<WebhookTargets> fromAllowList(const QString& list, QString* error);

    // Why a delivery may not go to this URL, as a sentence; empty when it may, as far as can be told before a
    // lookup: its scheme, and its host when that is an address or a name for this host ("localhost").
    QString refusalOfUrl(const QUrl& url) const;
    // Why a delivery to `host` may not connect to `address`, one of the addresses the host resolved to; empty
    // when it may.
    QString refusalOfAddress(const QString& host, const QHostAddress& address) const;

    // The special-purpose range an address is in ("loopback (127.0.0.0/8)", …); empty for a public address.
    static QString nonPublicRange(const QHostAddress& address);

    const QStringList& entries() const { return m_entries; }

private:
    bool allowsHost(const QString& host) const;
    bool allowsAddress(const QHostAddress& address) const;

    QStringList m_entries;                        // as given, for messages
    QStringList m_hosts;                          // names, lower case, without a trailing dot
    QList<std::pair<QHostAddress, int>> m_ranges; // addresses are ranges of one
};

} // namespace Meterline::Api
