// usage: crmApiKeyConfirm({title, message, yes: ts('Revoke'), no: ts('Cancel')}).then((confirmed) => ...)
//
// CRM.confirm answers with events on the dialog; this turns them into one $q promise so the
// digest runs. Closing the dialog any other way (Escape, the close button) counts as "no".

export interface ConfirmQuestion {
  title: string;
  message: string;
  yes: string;
  no: string;
}

export type Confirm = (question: ConfirmQuestion) => angular.IPromise<boolean>;

export function confirmFactory($q: angular.IQService): Confirm {
  return (question) =>
    // A $q promise settles once: whichever answer comes first counts, later events change nothing.
    $q<boolean>((resolve) => {
      CRM.confirm({ title: question.title, message: question.message, options: { no: question.no, yes: question.yes } })
        .on('crmConfirm:yes', () => resolve(true))
        .on('crmConfirm:no', () => resolve(false))
        .on('dialogclose', () => resolve(false));
    });
}
confirmFactory.$inject = ['$q'];
