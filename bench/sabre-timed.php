<?php
// Router for `php -S` used by scripts/bench-dav.sh: runs the sync tests' SabreDAV server
// (tests/peers/sabre/server.php, laid out as Nextcloud) and appends one line per request to
// $SABRE_REQUEST_LOG: "METHOD PATH STATUS SECONDS". SabreDAV has no request log of its own and
// `php -S` logs no timings; the benchmark counts requests and sums the server's own time from
// these lines, as it does from Radicale's log. SECONDS is the time from the router's start to
// the end of the request (SabreDAV's work, its autoloading and SQLite), not the network.
$benchStart = microtime(true);
register_shutdown_function(function () use ($benchStart) {
    $path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
    file_put_contents(
        getenv('SABRE_REQUEST_LOG'),
        sprintf("%s %s %d %.4f\n", $_SERVER['REQUEST_METHOD'], $path, http_response_code(), microtime(true) - $benchStart),
        FILE_APPEND | LOCK_EX
    );
});
return require getenv('SABRE_APP').'/server.php';
