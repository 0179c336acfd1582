#pragma once

#include <QIODevice>
#include <QString>

#include "server/api/webhooksender.h"

namespace Meterline
{

// `meterline-server serve`: the HTTP API on a database until SIGTERM or SIGINT, then a graceful stop —
// no new connections, every request in flight answered, every acknowledged event committed — exit 0.
class ServeCommand
{
public:
    struct Options
    {
        QString database;
        QString listen = QStringLiteral("127.0.0.1:8787"); // host:port; port 0 picks a free one
        QString accessLog = QStringLiteral("-");
        int threads = 0; // HTTP worker threads; 0: one per core, at least 2
        Api::WebhookSender::Options webhooks;
    };

    // Runs the event loop; returns the process exit status (0 ok, 1 failure, 2 usage error).
    static int run(const Options& options, QIODevice& out, QIODevice& err);
};

} // namespace Meterline
