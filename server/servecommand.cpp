#include "server/servecommand.h"

#include <QCoreApplication>
#include <QFileDevice>
#include <QSocketNotifier>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

#include "core/database.h"
#include "core/service.h"
#include "server/api/apiserver.h"
#include "server/api/webhookdispatcher.h"
#include "server/http/httpserver.h"
#include "server/serversettings.h"

namespace Meterline
{

namespace
{

int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}

} // namespace

int ServeCommand::run(const Options& options, QIODevice& out, QIODevice& err)
{
    QHostAddress address;
    quint16 port = 0;
    if (!ServerSettings::parseListen(options.listen, &address, &port)) {
        err.write("meterline-server: serve: --listen takes host:port (e.g. 127.0.0.1:8787), not '"
                  + options.listen.toUtf8() + "'\n");
        return 2;
    }
    auto database = Database::open(options.database);
    if (!database.ok()) {
        err.write("meterline-server: serve: " + database.error().message.toUtf8() + '\n');
        return 1;
    }
    Service service(*database.value());
    Api::ApiServer::Options apiOptions;
    apiOptions.accessLog = options.accessLog;
    apiOptions.webhookTargets = options.webhooks.targets;
    Api::ApiServer api(service, apiOptions);
    Http::Server http(api.handler(), api.limits(), options.threads);
    if (!http.listen(address, port)) {
        err.write("meterline-server: serve: cannot listen on " + options.listen.toUtf8() + ": "
                  + http.errorString().toUtf8() + '\n');
        return 1;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0) {
        err.write("meterline-server: serve: cannot set up signal handling\n");
        return 1;
    }
    QSocketNotifier notifier(signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &http, [&] {
        char byte = 0;
        [[maybe_unused]] const auto got = ::read(signalPipe[0], &byte, 1);
        notifier.setEnabled(false);
        http.stop();
    });
    // Webhook deliveries go out from their own thread; pending ones (from before a restart too) resume.
    Api::WebhookDispatcher webhooks(*database.value(), options.webhooks);
    webhooks.start();
    QObject::connect(&http, &Http::Server::stopped, qApp, [&] {
        api.stop(); // answers every record still waiting for its commit
        webhooks.stop();
        QCoreApplication::exit(0);
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);

    const QString host =
        address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString();
    out.write("listening on http://" + host.toUtf8() + ':' + QByteArray::number(http.port()) + '\n');
    if (auto* file = qobject_cast<QFileDevice*>(&out))
        file->flush();
    const int status = QCoreApplication::exec();
    ::close(signalPipe[0]);
    ::close(signalPipe[1]);
    database.value()->releaseThreadConnection();
    return status;
}

} // namespace Meterline
