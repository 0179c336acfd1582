#include "server/api/webhooktargets.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Meterline::Api
{

namespace
{

struct Range
{
    const char* subnet;
    const char* what;
};

// IANA's special-purpose registries (RFC 6890 and its updates): nothing in these is a public Internet host.
constexpr Range NonPublicV4[] = {
    {"0.0.0.0/8", "'this network'"},
    {"10.0.0.0/8", "private"},
    {"100.64.0.0/10", "shared (carrier-grade NAT)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local (cloud metadata services live here)"},
    {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "IETF protocol assignments"},
    {"192.0.2.0/24", "documentation"},
    {"192.88.99.0/24", "6to4 relay anycast"},
    {"192.168.0.0/16", "private"},
    {"198.18.0.0/15", "benchmarking"},
    {"198.51.100.0/24", "documentation"},
    {"203.0.113.0/24", "documentation"},
    {"224.0.0.0/4", "multicast"},
    {"240.0.0.0/4", "reserved (broadcast among them)"},
};

constexpr Range NonPublicV6[] = {
    {"::1/128", "loopback"},
    {"::/96", "unspecified or IPv4-compatible (deprecated)"},
    {"64:ff9b:1::/48", "local NAT64"},
    {"100::/64", "discard-only"},
    {"2001::/23", "IETF protocol assignments (Teredo among them)"},
    {"2001:db8::/32", "documentation"},
    {"3fff::/20", "documentation"},
    {"5f00::/16", "segment routing (SRv6)"},
    {"fc00::/7", "unique local (private)"},
    {"fe80::/10", "link-local"},
    {"fec0::/10", "site-local (deprecated)"},
    {"ff00::/8", "multicast"},
};

struct ParsedRange
{
    std::pair<QHostAddress, int> subnet;
    QString description; // "private (10.0.0.0/8)"
};

template <std::size_t N> QList<ParsedRange> parsed(const Range (&ranges)[N])
{
    QList<ParsedRange> list;
    for (const Range& range : ranges) {
        const QString subnet = QString::fromLatin1(range.subnet);
        list.append({QHostAddress::parseSubnet(subnet), u"%1 (%2)"_s.arg(QString::fromLatin1(range.what), subnet)});
    }
    return list;
}

// The IPv4 address an IPv6 address carries where the network treats it as that IPv4 address: mapped
// (::ffff:a.b.c.d), the well-known NAT64 prefix (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
std::optional<QHostAddress> embeddedIPv4(const QHostAddress& address)
{
    const Q_IPV6ADDR bytes = address.toIPv6Address();
    const auto zero = [&](int from, int to) {
        for (int i = from; i < to; ++i) {
            if (bytes[i] != 0)
                return false;
        }
        return true;
    };
    const auto ipv4At = [&](int i) {
        return QHostAddress(quint32(bytes[i]) << 24 | quint32(bytes[i + 1]) << 16 | quint32(bytes[i + 2]) << 8
                            | quint32(bytes[i + 3]));
    };
    if (zero(0, 10) && bytes[10] == 0xff && bytes[11] == 0xff)
        return ipv4At(12);
    if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && zero(4, 12))
        return ipv4At(12);
    if (bytes[0] == 0x20 && bytes[1] == 0x02)
        return ipv4At(2);
    return std::nullopt;
}

// Names that stand for this host whatever DNS says (RFC 6761 for .localhost; Debian's /etc/hosts for the rest).
bool namesThisHost(const QString& host)
{
    return host == u"localhost"_s || host.endsWith(u".localhost"_s) || host == u"ip6-localhost"_s
           || host == u"ip6-loopback"_s;
}

QString normalizedHost(const QString& host)
{
    QString h = host.toLower();
    if (h.endsWith(u'.'))
        h.chop(1);
    return h;
}

const QString AllowListName = u"the server's webhook allow-list (webhooks/allow-targets)"_s;

} // namespace

std::optional<WebhookTargets> WebhookTargets::fromAllowList(const QString& list, QString* error)
{
    static const QRegularExpression separators(u"[,\\s]+"_s);
    // A host name as DNS spells it: labels of letters, digits and hyphens.
    static const QRegularExpression hostName(
        u"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"_s);
    WebhookTargets targets;
    for (const QString& entry : list.split(separators, Qt::SkipEmptyParts)) {
        QString text = entry;
        if (text.startsWith(u'[') && text.endsWith(u']'))
            text = text.mid(1, text.size() - 2);
        QHostAddress address;
        if (address.setAddress(text)) {
            targets.m_ranges.append({address, address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128});
        } else if (text.contains(u'/')) {
            const auto subnet = QHostAddress::parseSubnet(text);
            if (subnet.second < 0) {
                *error = u"'%1' is not an address range (e.g. 10.0.0.0/8 or fd00::/8)"_s.arg(entry);
                return std::nullopt;
            }
            targets.m_ranges.append(subnet);
        } else if (hostName.match(normalizedHost(text)).hasMatch()) {
            targets.m_hosts.append(normalizedHost(text));
        } else {
            *error = u"'%1' is not a host name, an address or an address range"_s.arg(entry);
            return std::nullopt;
        }
        targets.m_entries.append(entry);
    }
    return targets;
}

QString WebhookTargets::nonPublicRange(const QHostAddress& address)
{
    static const QList<ParsedRange> v4 = parsed(NonPublicV4);
    static const QList<ParsedRange> v6 = parsed(NonPublicV6);
    QHostAddress judged = address;
    judged.setScopeId({});
    if (judged.protocol() == QAbstractSocket::IPv6Protocol) {
        if (const auto carried = embeddedIPv4(judged)) {
            const QString inner = nonPublicRange(*carried);
            return inner.isEmpty() ? QString() : u"%1, carried in IPv6 as %2"_s.arg(inner, judged.toString());
        }
    }
    const QList<ParsedRange>& ranges = judged.protocol() == QAbstractSocket::IPv4Protocol ? v4 : v6;
    for (const ParsedRange& range : ranges) {
        if (judged.isInSubnet(range.subnet))
            return range.description;
    }
    if (judged.protocol() != QAbstractSocket::IPv4Protocol && judged.protocol() != QAbstractSocket::IPv6Protocol)
        return u"not an address"_s;
    // IPv6 global unicast is 2000::/3 alone: the rest is reserved or special, whatever a registry adds later.
    static const auto globalUnicast = QHostAddress::parseSubnet(u"2000::/3"_s);
    if (judged.protocol() == QAbstractSocket::IPv6Protocol && !judged.isInSubnet(globalUnicast))
        return u"not global unicast (outside 2000::/3)"_s;
    return {};
}

bool WebhookTargets::allowsHost(const QString& host) const
{
    const QString name = normalizedHost(host);
    if (m_hosts.contains(name))
        return true;
    QHostAddress address;
    return address.setAddress(name) && allowsAddress(address);
}

bool WebhookTargets::allowsAddress(const QHostAddress& address) const
{
    QHostAddress judged = address;
    judged.setScopeId({});
    const auto carried = judged.protocol() == QAbstractSocket::IPv6Protocol ? embeddedIPv4(judged) : std::nullopt;
    for (const auto& range : m_ranges) {
        if (judged.isInSubnet(range) || (carried && carried->isInSubnet(range)))
            return true;
    }
    return false;
}

QString WebhookTargets::refusalOfUrl(const QUrl& url) const
{
    const QString host = normalizedHost(url.host());
    if (allowsHost(host))
        return {};
    if (url.scheme() != u"https"_s)
        return u"webhook URLs use https; http is only for the hosts on %1"_s.arg(AllowListName);
    if (namesThisHost(host))
        return u"%1 is this host (loopback), which only %2 can allow"_s.arg(host, AllowListName);
    QHostAddress address;
    if (address.setAddress(host))
        return refusalOfAddress(host, address);
    return {};
}

QString WebhookTargets::refusalOfAddress(const QString& host, const QHostAddress& address) const
{
    if (m_hosts.contains(normalizedHost(host)) || allowsAddress(address))
        return {};
    const QString range = nonPublicRange(address);
    if (range.isEmpty())
        return {};
    const QString shown = address.toString();
    const QString subject =
        normalizedHost(host) == shown ? shown : u"%1 resolves to %2, which"_s.arg(normalizedHost(host), shown);
    return u"%1 is not a public address: %2; only %3 can allow it"_s.arg(subject, range, AllowListName);
}

} // namespace Meterline::Api
