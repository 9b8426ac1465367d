//! The pages a person sees: the checkout page behind a payment link, its
//! confirmation, product pages and an index. Plain server-rendered HTML with
//! every dynamic value escaped; no JavaScript needed to pay.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use museo_sdk::types::Money;

use super::{ApiPath, AppState};
use crate::error::ApiError;
use crate::store::checkout::{self, OrderView};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Museo shop</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}}\
         table{{width:100%;border-collapse:collapse}}td,th{{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}}\
         td.n,th.n{{text-align:right}}button{{font-size:1.1rem;padding:.6rem 1.4rem;background:#1d3557;color:#fff;border:0;border-radius:.3rem}}\
         .note{{color:#555}}.error{{color:#a4161a}}.ok{{color:#2b7a0b}}</style></head><body>\
         <header><strong>Museo shop</strong> <span class=\"note\">(sandbox)</span></header><main>{}</main></body></html>",
        escape(title),
        body
    )
}

fn money(minor: i64, view: &OrderView) -> String {
    let m = Money::from_minor(minor, view.currency);
    format!("{} {}", m.amount, m.currency)
}

fn order_table(view: &OrderView) -> String {
    let rows: String = view
        .lines
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&l.title),
                escape(&l.sku),
                l.quantity,
                money(l.unit_minor, view),
                money(l.unit_minor * l.quantity, view)
            )
        })
        .collect();
    format!(
        "<table><thead><tr><th>Product</th><th>SKU</th><th class=\"n\">Qty</th><th class=\"n\">Unit</th><th class=\"n\">Total</th></tr></thead>\
         <tbody>{rows}</tbody><tfoot><tr><th colspan=\"4\">Total</th><th class=\"n\">{} {}</th></tr></tfoot></table>",
        escape(&view.order.total.amount),
        escape(&view.order.total.currency)
    )
}

fn error_page(error: &ApiError) -> Response {
    let (status, body) = error.parts();
    let html = layout(
        "Payment",
        &format!(
            "<h1>Payment</h1><p class=\"error\">{}</p>",
            escape(&body.message)
        ),
    );
    (status, Html(html)).into_response()
}

/// `GET /checkout/{token}`: what will be paid, and a button to pay it.
pub async fn page(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Response {
    let order_id = match state.signer.verify(&token, crate::store::now().as_second()) {
        Ok(id) => id,
        Err(e) => return error_page(&e),
    };
    let view = match state
        .db
        .read(move |c| checkout::get_order(c, &order_id))
        .await
    {
        Ok(view) => view,
        Err(e) => return error_page(&e),
    };
    let action = if view.order.status == "paid" {
        "<p class=\"ok\">This order is paid. Thank you!</p>".to_owned()
    } else {
        format!(
            "<form method=\"post\" action=\"/checkout/{}/pay\"><button type=\"submit\">Pay {} {}</button></form>\
             <p class=\"note\">Sandbox: no card is charged.</p>",
            escape(&token),
            escape(&view.order.total.amount),
            escape(&view.order.total.currency)
        )
    };
    let body = format!(
        "<h1>Checkout</h1><p class=\"note\">Order {}</p>{}{action}",
        escape(&view.order.id),
        order_table(&view)
    );
    Html(layout("Checkout", &body)).into_response()
}

/// `POST /checkout/{token}/pay`: pays the order (idempotent for a paid order).
pub async fn pay(State(state): State<AppState>, ApiPath(token): ApiPath<String>) -> Response {
    let order_id = match state.signer.verify(&token, crate::store::now().as_second()) {
        Ok(id) => id,
        Err(e) => return error_page(&e),
    };
    match state.db.write(move |tx| checkout::pay(tx, &order_id)).await {
        Ok(view) => {
            tracing::info!(order = %view.order.id, "order paid");
            let body = format!(
                "<h1>Thank you!</h1><p class=\"ok\">Order {} is paid.</p>{}",
                escape(&view.order.id),
                order_table(&view)
            );
            (StatusCode::OK, Html(layout("Paid", &body))).into_response()
        }
        Err(e) => error_page(&e),
    }
}

/// `GET /products/{handle}`: a product page, the `url` of every product.
pub async fn product_page(
    State(state): State<AppState>,
    ApiPath(handle): ApiPath<String>,
) -> Response {
    let base = state.base_url.clone();
    match state
        .db
        .read(move |c| crate::store::catalog::get(c, &handle, false, &base))
        .await
    {
        Ok(p) => {
            let attributes: String = p
                .attributes
                .iter()
                .map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v)))
                .collect();
            let body = format!(
                "<h1>{}</h1><p>{}</p><p><strong>{} {}</strong> · {}</p><table>{attributes}</table><p class=\"note\">SKU {} · id {}</p>",
                escape(&p.title.en),
                escape(&p.description.en),
                escape(&p.price.amount),
                escape(&p.price.currency),
                if p.in_stock {
                    format!("{} in stock", p.stock)
                } else {
                    "out of stock".to_owned()
                },
                escape(&p.sku),
                escape(&p.id)
            );
            Html(layout(&p.title.en, &body)).into_response()
        }
        Err(e) => error_page(&e),
    }
}

/// The index page: what this server is and where to start.
pub async fn index_page(state: &AppState) -> String {
    let count = state
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM products WHERE published = 1",
                [],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .await
        .unwrap_or(0);
    layout(
        "Museo API sandbox",
        &format!(
            "<h1>Museo API sandbox</h1><p>{count} published products.</p><ul>\
             <li><a href=\"/openapi.json\">OpenAPI 3.1 description</a></li>\
             <li><a href=\"/v1/products?q=mug\">Search: mug</a> · <a href=\"/v1/products?q=taza\">taza</a> · <a href=\"/v1/products?q=nympheas\">nympheas</a></li>\
             <li><a href=\"/v1/categories\">Categories</a></li><li><a href=\"/v1/help\">Help pages</a></li><li><a href=\"/healthz\">Health</a></li></ul>\
             <p class=\"note\">Fill a basket with <code>POST /v1/baskets</code> and <code>POST /v1/baskets/{{id}}/items</code>, \
             then <code>POST /v1/baskets/{{id}}/payment-link</code> and open the link to pay.</p>"
        ),
    )
}
