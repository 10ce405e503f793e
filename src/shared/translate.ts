// The extension's translation function. CiviCRM finds translatable strings with a regex on literal
// ts('...') calls in the shipped JS, so every string is written as ts('literal') and this binding
// keeps the name `ts` in the bundle (the build does not rename identifiers).
export const ts: Translate = CRM.ts('apikeytab');
