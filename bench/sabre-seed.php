<?php
// Seeds an address book of the benchmark's SabreDAV (scripts/bench-dav.sh) with every .vcf file
// of a folder, through SabreDAV's own PDO backend (createCard: the card row, its ETag and the
// sync-collection change entry, as a PUT stores them) in one transaction. SabreDAV has no bulk
// PUT, and 10,000 single PUTs take far longer than the benchmark itself (the upload rows of the
// run give the time of one PUT).
//
//   php sabre-seed.php DBFILE VENDOR USER DIR
[$_, $db, $vendor, $user, $dir] = $argv;
require $vendor.'/autoload.php';
$pdo = new PDO('sqlite:'.$db);
$pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$backend = new Sabre\CardDAV\Backend\PDO($pdo);
$q = $pdo->prepare("SELECT id FROM addressbooks WHERE principaluri = ? AND uri = 'contacts'");
$q->execute(["principals/users/$user"]);
$book = $q->fetchColumn();
if ($book === false) { fwrite(STDERR, "no address book for $user\n"); exit(1); }
$files = glob("$dir/*.vcf");
sort($files);
$pdo->beginTransaction();
foreach ($files as $f) {
    $backend->createCard($book, basename($f), file_get_contents($f));
}
$pdo->commit();
echo count($files)." cards\n";
