// The page around the tab: switching tabs without a reload, and the demo's own controls.
(function (window, $) {
  'use strict';

  function selectTab($tab, moveFocus) {
    var $tabs = $('#mainTabContainer [role="tab"]');
    $tabs.attr({ 'aria-selected': 'false', tabindex: '-1' }).removeClass('ui-tabs-active');
    $tab.attr({ 'aria-selected': 'true', tabindex: '0' }).addClass('ui-tabs-active');
    $('#mainTabContainer [role="tabpanel"]').attr('hidden', true);
    $('#' + $tab.attr('aria-controls')).removeAttr('hidden');
    if (moveFocus) $tab.trigger('focus');
  }

  function demoRequest(method, path, body) {
    return fetch(path, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        return response.ok ? data : Promise.reject(new Error(data.error_message || response.statusText));
      });
    });
  }

  $(function () {
    var $tabList = $('#mainTabContainer [role="tablist"]');
    $tabList.on('click', '[role="tab"] > a', function (event) {
      event.preventDefault();
      selectTab($(this).parent(), false);
    });
    $tabList.on('click', '[role="tab"]', function () {
      selectTab($(this), false);
    });
    // Arrow keys move between tabs, as in a WAI-ARIA tab list.
    $tabList.on('keydown', '[role="tab"]', function (event) {
      var $tabs = $tabList.find('[role="tab"]');
      var position = $tabs.index(this);
      var step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        event.preventDefault();
        selectTab($tabs.eq((position + step + $tabs.length) % $tabs.length), true);
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        selectTab($(this), true);
      }
    });
    var $fromHash = window.location.hash ? $tabList.find('[aria-controls="' + window.location.hash.slice(1).replace(/[^\w-]/g, '') + '"]') : $();
    if ($fromHash.length) selectTab($fromHash, false);

    var $faultStatus = $('#demo-fault-status');
    $('#demo-fault').on('change', function () {
      var fault = $(this).val();
      var done = fault
        ? demoRequest('POST', '/demo/faults', { fault: fault, times: 1 }).then(function () {
            return 'The next API call will fail with "' + fault + '".';
          })
        : demoRequest('DELETE', '/demo/faults').then(function () {
            return 'No fault armed.';
          });
      done.then(
        function (message) {
          $faultStatus.text(message);
        },
        function (error) {
          $faultStatus.text('Could not arm the fault: ' + error.message);
        },
      );
    });

    $('[data-demo-grant]').on('change', function () {
      var checkbox = this;
      demoRequest('POST', '/demo/authx-grant', { cid: Number($(checkbox).attr('data-demo-grant')), granted: checkbox.checked }).catch(function (error) {
        checkbox.checked = !checkbox.checked;
        $faultStatus.text('Could not change the permission: ' + error.message);
      });
    });

    // Moves the contact on screen to the trash or back; the page reloads to show what the tab is told.
    $('[data-demo-trash]').on('change', function () {
      var checkbox = this;
      demoRequest('POST', '/demo/trash', { contactId: Number($(checkbox).attr('data-demo-trash')), trashed: checkbox.checked }).then(
        function () {
          window.location.reload();
        },
        function (error) {
          checkbox.checked = !checkbox.checked;
          $faultStatus.text('Could not move the contact: ' + error.message);
        },
      );
    });
  });
})(window, window.jQuery);
