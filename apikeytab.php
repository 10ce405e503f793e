<?php
// CiviCRM requires the file named by info.xml's <file> to exist: without it, every request of the
// site fails once the extension is enabled. Everything else is declared in info.xml instead: the
// mixins find ang/*.ang.php (ang-php), templates/ (smarty) and the subscriber under Civi/
// (scan-classes, through the psr4 classloader), so no hook function belongs here.
