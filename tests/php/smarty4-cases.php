<?php
// The tab template through Debian's smarty4 package (tests/php/real-smarty.php).
const SMARTY_CLASS_FILE = '/usr/share/php/smarty4/Smarty.class.php';
const SMARTY_MAJOR = 4;
require __DIR__ . '/real-smarty.php';
