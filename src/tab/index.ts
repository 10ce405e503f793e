// The crmApiKey module: what js/crmApiKey.js registers with AngularJS. Its dependencies are the
// manifest's (ang/crmApiKey.ang.php), so CiviCRM and this file cannot disagree about them.
import { apiKeyTabComponent } from './apiKeyTab.component';
import { ApiKeyService } from '../shared/apiKeyService';
import { confirmFactory } from '../shared/confirmDialog';
import { TokenService } from '../token/tokenService';
import { temporaryTokenComponent } from '../token/temporaryToken.component';
import { expiryChoiceComponent } from '../lifecycle/expiryChoice.component';

angular
  .module('crmApiKey', CRM.angRequires('crmApiKey'))
  .service('crmApiKeyService', ApiKeyService)
  .factory('crmApiKeyConfirm', confirmFactory)
  .service('crmApiKeyTokens', TokenService)
  .component('crmApiKeyToken', temporaryTokenComponent)
  .component('crmApiKeyTab', apiKeyTabComponent)
  .component('crmApiKeyExpiry', expiryChoiceComponent);
