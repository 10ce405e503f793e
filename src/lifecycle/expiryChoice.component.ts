import { ts } from '../shared/translate';
import type { ExpiryChoice } from './expiryChoice';

// usage: <crm-api-key-expiry choice="$ctrl.expiry" name="'new'" contact-id="$ctrl.contactId" busy="!!$ctrl.busy"></crm-api-key-expiry>
//
// The "Expires" select and, for "On a date…", its date field. The choice object belongs to the
// tab, which reads it when the user acts; this component only shows it and lets the user set it.
export class ExpiryChoiceController {
  static $inject = ['$scope'];

  choice!: ExpiryChoice;
  /** Tells the ids of the two places it appears apart (a new key, Change expiry). */
  name!: string;
  contactId!: number;
  /** The tab is busy (saving, confirming…): the choice cannot change meanwhile. */
  busy?: boolean;

  constructor(private readonly $scope: angular.IScope & { ts?: Translate }) {}

  $onInit(): void {
    this.$scope.ts = ts;
  }

  get id(): string {
    return `apikey-expires-${this.name}-${this.contactId}`;
  }
}

export const expiryChoiceComponent: angular.IComponentOptions = {
  templateUrl: '~/crmApiKey/expiryChoice.html',
  bindings: { choice: '<', name: '<', contactId: '<', busy: '<' },
  controller: ExpiryChoiceController,
};
