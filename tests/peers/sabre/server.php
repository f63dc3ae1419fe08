<?php
// SabreDAV 4.7 CardDAV+CalDAV server laid out like Nextcloud's DAV endpoint, for `php -S` (router script).
// Copied from the peers folder (shared/tools/peers/sabre/server.php) for the sync's integration
// tests (crates/cli/tests/dav.rs); the one addition is the captured iMIP mail below.
//   principal:    /remote.php/dav/principals/users/<user>/
//   address book: /remote.php/dav/addressbooks/users/<user>/contacts/
//   calendar:     /remote.php/dav/calendars/<user>/personal/
//   /.well-known/carddav and /.well-known/caldav answer 301 -> /remote.php/dav/ (as Nextcloud's .htaccess)
// Env: SABRE_DB (sqlite file), SABRE_USERS ("user:pass,user2:pass2"), SABRE_VENDOR (vendor dir),
// SABRE_MAILS (file the invitations Nextcloud would mail are appended to).
date_default_timezone_set('UTC');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/.well-known/carddav' || $path === '/.well-known/caldav') {
    header('Location: /remote.php/dav/', true, 301);
    return true;
}
if ($path === '/status.php') { header('Content-Type: application/json'); echo '{"installed":true,"productname":"SabreDAV-as-Nextcloud"}'; return true; }
if (strpos($path, '/remote.php/dav') !== 0) { http_response_code(404); echo "not found\n"; return true; }

require getenv('SABRE_VENDOR').'/autoload.php';

$pdo = new PDO('sqlite:'.getenv('SABRE_DB'));
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);

$users = [];
foreach (explode(',', getenv('SABRE_USERS') ?: 'anna:Geheim-42') as $pair) {
    [$u, $p] = explode(':', $pair, 2);
    $users[$u] = $p;
}
// Basic auth, as Nextcloud (app passwords) uses.
class NcBasicAuth extends Sabre\DAV\Auth\Backend\BasicCallBack {
    protected $principalPrefix = 'principals/users/';
}
$auth = new NcBasicAuth(function ($u, $p) use ($users) {
    return isset($users[$u]) && hash_equals($users[$u], $p);
});
$auth->setRealm('Nextcloud');

// Nextcloud-style homes: principals/users/<u> -> calendars/<u>, addressbooks/users/<u>
class NcCardDavPlugin extends Sabre\CardDAV\Plugin {
    protected function getAddressbookHomeForPrincipal($principal) {
        [, $id] = Sabre\Uri\split($principal);
        return 'addressbooks/users/'.$id;
    }
}
class NcCalDavPlugin extends Sabre\CalDAV\Plugin {
    public function getCalendarHomeForPrincipal($principalUrl) {
        if (strpos($principalUrl, 'principals/users/') === 0) {
            [, $id] = Sabre\Uri\split($principalUrl);
            return 'calendars/'.$id;
        }
        return null;
    }
}
class NcAddressBookRoot extends Sabre\CardDAV\AddressBookRoot {
    public function getName() { return 'users'; }
}

$principalBackend = new Sabre\DAVACL\PrincipalBackend\PDO($pdo);
$carddavBackend   = new Sabre\CardDAV\Backend\PDO($pdo);
$caldavBackend    = new Sabre\CalDAV\Backend\PDO($pdo);

$principals = new Sabre\CalDAV\Principal\Collection($principalBackend, 'principals/users');
$principalsRoot = new Sabre\DAV\SimpleCollection('principals', [$principals]);
$addressbooks = new Sabre\DAV\SimpleCollection('addressbooks', [
    new NcAddressBookRoot($principalBackend, $carddavBackend, 'principals/users'),
]);
$calendars = new Sabre\CalDAV\CalendarRoot($principalBackend, $caldavBackend, 'principals/users');

$server = new Sabre\DAV\Server([$principalsRoot, $calendars, $addressbooks]);
$server->setBaseUri('/remote.php/dav/');
$server->addPlugin(new Sabre\DAV\Auth\Plugin($auth));
$acl = new Sabre\DAVACL\Plugin();
// Where principals are looked up by address (as Nextcloud sets it): scheduling finds a local
// attendee's inbox through it.
$acl->principalCollectionSet = ['principals/users'];
$server->addPlugin($acl);
$server->addPlugin(new Sabre\DAV\Sync\Plugin());               // RFC 6578 sync-collection
$server->addPlugin(new NcCalDavPlugin());
$server->addPlugin(new Sabre\CalDAV\Schedule\Plugin());         // RFC 6638 implicit scheduling (as Nextcloud)
// Nextcloud mails an invitation to every attendee who is not a user of the server (its IMipPlugin):
// here the mail is appended to $SABRE_MAILS instead of sent, so a test can see that none was made.
class CapturedIMip extends Sabre\CalDAV\Schedule\IMipPlugin {
    public function schedule(Sabre\VObject\ITip\Message $iTipMessage) {
        if (strpos((string) $iTipMessage->scheduleStatus, '1.2') === 0) {
            return;   // delivered into a local user's inbox already
        }
        parent::schedule($iTipMessage);
    }

    protected function mail($to, $subject, $body, array $headers) {
        file_put_contents(getenv('SABRE_MAILS') ?: '/dev/null',
            "To: $to\r\nSubject: $subject\r\n".implode("\r\n", $headers)."\r\n\r\n$body\r\n", FILE_APPEND | LOCK_EX);
    }
}
$server->addPlugin(new CapturedIMip('noreply@example.org'));
$server->addPlugin(new Sabre\CalDAV\ICSExportPlugin());         // ?export on a calendar -> .ics feed
$server->addPlugin(new NcCardDavPlugin());
$server->addPlugin(new Sabre\CardDAV\VCFExportPlugin());
$server->addPlugin(new Sabre\DAV\Browser\Plugin());             // HTML listing on GET of a collection
if (getenv('SABRE_DEBUG')) { $server->debugExceptions = true; }
$server->start();
return true;
