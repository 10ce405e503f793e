// The crmApiKeyOverview module: what js/crmApiKeyOverview.js registers with AngularJS. It reuses
// the tab's service, confirmation and messages, and ships on its own page only, so the contact
// summary never loads it.
import { ApiKeyService } from '../shared/apiKeyService';
import { confirmFactory } from '../shared/confirmDialog';
import { keyOverviewComponent } from './keyOverview.component';

angular
  .module('crmApiKeyOverview', CRM.angRequires('crmApiKeyOverview'))
  .service('crmApiKeyService', ApiKeyService)
  .factory('crmApiKeyConfirm', confirmFactory)
  .component('crmApiKeyOverview', keyOverviewComponent);
