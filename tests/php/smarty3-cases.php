<?php
// The tab template through Debian's smarty3 package (tests/php/real-smarty.php).
const SMARTY_CLASS_FILE = '/usr/share/php/smarty3/Smarty.class.php';
const SMARTY_MAJOR = 3;
require __DIR__ . '/real-smarty.php';
