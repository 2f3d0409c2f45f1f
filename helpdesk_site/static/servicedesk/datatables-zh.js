/* DataTables' own texts in Chinese on Chinese pages (django-helpdesk's ticket
   lists). Loaded after DataTables and before the tables are made; a table's
   own language options still win. */
(function () {
  "use strict";
  if (!window.jQuery || !jQuery.fn.dataTable) return;
  if (!/^zh/i.test(document.documentElement.lang || "")) return;
  jQuery.extend(true, jQuery.fn.dataTable.defaults, {
    language: {
      decimal: "",
      thousands: ",",
      emptyTable: "没有数据",
      entries: { _: "条", 1: "条" },
      info: "第 _START_ 至 _END_ 条，共 _TOTAL_ 条",
      infoEmpty: "共 0 条",
      infoFiltered: "（从 _MAX_ 条中筛选）",
      lengthMenu: "每页 _MENU_ 条",
      loadingRecords: "加载中…",
      processing: "处理中…",
      search: "搜索：",
      searchPlaceholder: "",
      zeroRecords: "没有匹配的记录",
      paginate: { first: "首页", last: "末页", next: "下一页", previous: "上一页" },
      aria: {
        orderable: "点击排序",
        orderableReverse: "点击倒序",
        orderableRemove: "点击取消排序",
        paging: { first: "首页", last: "末页", next: "下一页", previous: "上一页", number: "第 _PAGE_ 页" }
      },
      buttons: { colvis: "显示列" },
      select: { rows: { _: "已选 %d 行", 0: "", 1: "已选 1 行" } }
    }
  });
})();
