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
    $q<boolean>((resolve) => {
      let answered = false;
      const answer = (confirmed: boolean) => {
        if (answered) return;
        answered = true;
        resolve(confirmed);
      };
      CRM.confirm({ title: question.title, message: question.message, options: { no: question.no, yes: question.yes } })
        .on('crmConfirm:yes', () => answer(true))
        .on('crmConfirm:no', () => answer(false))
        .on('dialogclose', () => answer(false));
    });
}
confirmFactory.$inject = ['$q'];
