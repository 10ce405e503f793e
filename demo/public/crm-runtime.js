// The demo's stand-in for the parts of CiviCRM's browser runtime the tab may use (PRODUCT.md,
// "what the tab may use"), written from ../shared/civicrm/README.md. Settings and partials come
// from JSON the server puts on the page.
(function (window, document, $, angular) {
  'use strict';

  function pageJson(id, fallback) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : fallback;
  }

  var settings = pageJson('crm-demo-settings', { cid: null, angRequires: {} });
  var partials = pageJson('crm-demo-partials', {});
  var CRM = (window.CRM = window.CRM || {});

  CRM.$ = $;
  CRM.config = $.extend({}, CRM.config, { cid: settings.cid });
  // What the page's PHP adds with Civi::resources()->addVars() (the overview's siteTime).
  CRM.vars = $.extend(true, {}, CRM.vars, settings.vars || {});

  // usage: var ts = CRM.ts('apikeytab'); ts('Key of %1', {1: name})
  CRM.ts = function () {
    return function ts(text, params) {
      return String(text).replace(/%(\d+)/g, function (placeholder, position) {
        return params && params[position] !== undefined ? String(params[position]) : placeholder;
      });
    };
  };

  CRM.url = function (path, query) {
    var url = '/' + String(path).replace(/^\/+/, '');
    var queryString = typeof query === 'string' ? query.replace(/^\?/, '') : query ? $.param(query) : '';
    return queryString ? url + '?' + queryString : url;
  };

  // Rejects with the parsed JSON error, or with undefined when there is no JSON to give (network
  // failure, an HTML error page): callers must handle both, as with CiviCRM's own CRM.api4.
  CRM.api4 = function (entity, action, params, index) {
    var request = fetch(CRM.url('civicrm/ajax/api4/' + entity + '/' + action), {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
        'X-Requested-With': 'XMLHttpRequest',
      },
      body: new URLSearchParams({ params: JSON.stringify(params || {}) }).toString(),
    });
    return request.then(
      function (response) {
        return response.text().then(function (text) {
          var data;
          try {
            data = JSON.parse(text);
          } catch (notJson) {
            return Promise.reject(undefined);
          }
          if (!response.ok || !data || !Array.isArray(data.values)) return Promise.reject(data);
          var values = data.values;
          values.count = data.count;
          values.countFetched = data.countFetched;
          return typeof index === 'number' ? values[index] : values;
        });
      },
      function () {
        return Promise.reject(undefined);
      },
    );
  };

  var dialogCount = 0;

  // usage: CRM.confirm({title, message, options: {yes: 'Revoke', no: 'Cancel'}}).on('crmConfirm:yes', ...)
  // The message is HTML, as in CiviCRM; the title is text.
  CRM.confirm = function (settingsOfDialog) {
    var options = $.extend({ no: 'Cancel', yes: 'Continue' }, settingsOfDialog && settingsOfDialog.options);
    var id = 'crm-demo-dialog-' + ++dialogCount;
    var returnFocusTo = document.activeElement;
    var $overlay = $('<div class="ui-widget-overlay"></div>');
    var $dialog = $(
      '<div class="ui-dialog crm-confirm-dialog" role="dialog" aria-modal="true" tabindex="-1">' +
        '<div class="ui-dialog-titlebar"><h2 class="ui-dialog-title"></h2></div>' +
        '<div class="ui-dialog-content crm-confirm"></div>' +
        '<div class="ui-dialog-buttonpane"><button type="button" class="ui-button crm-confirm-no"></button>' +
        '<button type="button" class="ui-button crm-confirm-yes"></button></div>' +
        '</div>',
    );
    $dialog.attr({ 'aria-labelledby': id + '-title', 'aria-describedby': id + '-message' });
    $dialog.find('.ui-dialog-title').attr('id', id + '-title').text(settingsOfDialog.title || '');
    $dialog.find('.ui-dialog-content').attr('id', id + '-message').html(settingsOfDialog.message || '');
    var $no = $dialog.find('.crm-confirm-no').text(options.no);
    var $yes = $dialog.find('.crm-confirm-yes').text(options.yes);
    var open = true;

    function close() {
      if (!open) return;
      open = false;
      $dialog.trigger('dialogclose');
      $dialog.remove();
      $overlay.remove();
      if (returnFocusTo && document.contains(returnFocusTo) && typeof returnFocusTo.focus === 'function') returnFocusTo.focus();
    }

    $no.on('click', function () {
      $dialog.trigger('crmConfirm:no');
      close();
    });
    $yes.on('click', function () {
      $dialog.trigger('crmConfirm:yes');
      close();
    });
    $dialog.on('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      } else if (event.key === 'Tab') {
        // A modal keeps focus inside: wrap around between its two buttons.
        var first = $no[0];
        var last = $yes[0];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    $('body').append($overlay, $dialog);
    $no.trigger('focus');
    return $dialog;
  };

  function toastContainer() {
    var $container = $('#crm-demo-notifications');
    if (!$container.length) $container = $('<div id="crm-demo-notifications"></div>').appendTo('body');
    return $container;
  }

  // usage: CRM.alert(text, title, 'success' | 'info' | 'error' | 'alert'); text is HTML, as in CiviCRM.
  CRM.alert = function (text, title, type) {
    var kind = type || 'alert';
    var $toast = $('<div class="crm-demo-toast"><strong class="crm-demo-toast-title"></strong><div class="crm-demo-toast-text"></div><button type="button" class="crm-demo-toast-close" aria-label="Close">×</button></div>');
    $toast.addClass('crm-demo-toast-' + kind).attr('role', kind === 'error' ? 'alert' : 'status');
    $toast.find('.crm-demo-toast-title').text(title || '');
    $toast.find('.crm-demo-toast-text').html(text || '');
    $toast.find('.crm-demo-toast-close').on('click', function () {
      $toast.remove();
    });
    toastContainer().append($toast);
    if (kind !== 'error') {
      window.setTimeout(function () {
        $toast.remove();
      }, 8000);
    }
    return $toast;
  };

  CRM.tabHeader = {
    updateCount: function (selector, count) {
      var $tab = $(selector);
      var $link = $tab.children('a').first();
      var $badge = $link.children('em');
      if (!$badge.length) $badge = $('<em></em>').appendTo($link);
      $badge.text(count);
      $tab.removeClass(function (position, classes) {
        return (classes.match(/(^|\s)crm-count-\d+/g) || []).join(' ');
      });
      $tab.addClass('crm-count-' + count);
    },
  };

  CRM.angRequires = function (module) {
    return (settings.angRequires[module] || []).slice();
  };

  // Core's crmResource serves the partials; here they are already on the page.
  angular.module('crmResource', []).run([
    '$templateCache',
    function ($templateCache) {
      Object.keys(partials).forEach(function (name) {
        $templateCache.put(name, partials[name]);
      });
    },
  ]);

  // usage: crmApi4('Contact', 'get', params, index); tests replace crmApi4.backend.
  angular.module('api4', []).factory('crmApi4', [
    '$q',
    function ($q) {
      function crmApi4(entity, action, params, index) {
        var backend = crmApi4.backend || CRM.api4;
        return $q.when(backend(entity, action, params, index));
      }
      return crmApi4;
    },
  ]);

  $(function () {
    $('crm-angular-js').each(function () {
      var modules = ($(this).attr('modules') || '')
        .split(',')
        .map(function (name) {
          return name.trim();
        })
        .filter(Boolean);
      try {
        angular.bootstrap(this, modules, { strictDi: true });
      } catch (error) {
        // A missing or broken bundle must not take the rest of the page down.
        window.console.error('apikeytab demo: could not start ' + modules.join(', ') + ': ' + error.message);
      }
    });
  });
})(window, document, window.jQuery, window.angular);
