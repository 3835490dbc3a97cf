/* The order page inside WeChat (JSAPI): the signed parameters the server put on the page as
   JSON (#wechat-jsapi) go to WeixinJSBridge when the payer presses 微信支付. Whether the order is
   paid is never decided here: the page polls the server, which asks the provider. */
(function () {
  "use strict";

  function params() {
    var node = document.getElementById("wechat-jsapi");
    return node ? JSON.parse(node.textContent) : null;
  }

  function pay() {
    var data = params();
    if (!data || typeof window.WeixinJSBridge === "undefined") {
      return;
    }
    window.WeixinJSBridge.invoke("getBrandWCPayRequest", data, function () {
      // Paid, cancelled or failed: the status card (polled every 3 s) shows what the provider says.
      if (window.htmx) {
        window.htmx.trigger("#order-status", "every 3s");
      }
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "wechat-pay") {
      event.preventDefault();
      if (typeof window.WeixinJSBridge === "undefined") {
        document.addEventListener("WeixinJSBridgeReady", pay, { once: true });
      } else {
        pay();
      }
    }
  });
})();
