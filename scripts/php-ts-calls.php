<?php
// Lists the ts() calls of the PHP source read from stdin, as JSON for scripts/pot.mjs:
// [{"line": N, "msgid": "..."}] for a call whose first argument is one plain string literal,
// [{"line": N, "msgid": null}] for any other first argument (a variable, a concatenation, an
// interpolating string), which no extractor can read. PHP's own tokenizer does the reading, so
// comments and strings that merely mention ts( are not calls.

// A T_CONSTANT_ENCAPSED_STRING holds no variables: single-quoted knows only \\ and \', double-quoted
// the C-like escapes.
function unquote(string $literal): string {
  $body = substr($literal, 1, -1);
  return $literal[0] === "'" ? preg_replace("/\\\\([\\\\'])/", '$1', $body) : stripcslashes($body);
}

$tokens = array_values(array_filter(
  token_get_all(stream_get_contents(STDIN)),
  fn($token) => !is_array($token) || !in_array($token[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], TRUE)
));

$calls = [];
foreach ($tokens as $i => $token) {
  if (!is_array($token) || $token[0] !== T_STRING || strtolower($token[1]) !== 'ts' || ($tokens[$i + 1] ?? NULL) !== '(') {
    continue;
  }
  // E::ts() (civix's ExtensionUtil) translates like ts(); an object's ->ts() or the declaration
  // of a function named ts does not.
  $before = $tokens[$i - 1] ?? NULL;
  if (is_array($before) && in_array($before[0], [T_OBJECT_OPERATOR, T_NULLSAFE_OBJECT_OPERATOR, T_FUNCTION], TRUE)) {
    continue;
  }
  $argument = $tokens[$i + 2] ?? NULL;
  $after = $tokens[$i + 3] ?? NULL;
  $literal = is_array($argument) && $argument[0] === T_CONSTANT_ENCAPSED_STRING && in_array($after, [',', ')'], TRUE);
  $calls[] = ['line' => $token[2], 'msgid' => $literal ? unquote($argument[1]) : NULL];
}

echo json_encode($calls, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
