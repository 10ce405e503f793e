<?php
// Reads info.xml the way CiviCRM does (SimpleXML) and prints the fields the tests check as JSON.
// Exits non-zero, with libxml's complaint, when the file is not well-formed XML.

libxml_use_internal_errors(TRUE);
$xml = simplexml_load_file(__DIR__ . '/../../info.xml');
if ($xml === FALSE) {
  fwrite(STDERR, implode('', array_map(fn(LibXMLError $e) => "line {$e->line}: {$e->message}", libxml_get_errors())));
  exit(1);
}

$texts = fn(SimpleXMLElement $list): array => array_map('strval', iterator_to_array($list, FALSE));
$urls = [];
foreach ($xml->urls->url ?? [] as $url) {
  $urls[(string) $url['desc']] = (string) $url;
}

echo json_encode([
  'key' => (string) $xml['key'],
  'type' => (string) $xml['type'],
  'file' => (string) $xml->file,
  'name' => (string) $xml->name,
  'description' => (string) $xml->description,
  'license' => (string) $xml->license,
  'author' => (string) $xml->maintainer->author,
  'email' => (string) $xml->maintainer->email,
  'urls' => $urls,
  'releaseDate' => (string) $xml->releaseDate,
  'version' => (string) $xml->version,
  'develStage' => (string) $xml->develStage,
  'compatibility' => $texts($xml->compatibility->ver),
  'phpCompatibility' => $texts($xml->php_compatibility->ver),
  'psr4' => ['prefix' => (string) $xml->classloader->psr4['prefix'], 'path' => (string) $xml->classloader->psr4['path']],
  'psr0' => ['prefix' => (string) $xml->classloader->psr0['prefix'], 'path' => (string) $xml->classloader->psr0['path']],
  'mixins' => $texts($xml->mixins->mixin),
], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
