//! Public catalog endpoints.

use axum::Json;
use axum::extract::State;
use museo_sdk::types::{Category, Currency, Page, Product, ProductQuery, parse_minor};

use super::{ApiPath, ApiQuery, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::search::{self, DEFAULT_LIMIT, MAX_LIMIT, Search};

/// Turns query parameters into a validated search.
pub fn to_search(query: &ProductQuery, admin: bool) -> ApiResult<Search> {
    if query.include_unpublished == Some(true) && !admin {
        return Err(ApiError::field(
            "include_unpublished",
            "drafts are only listed by GET /v1/admin/products",
        ));
    }
    // Price bounds are in the catalog's currency (EUR in the seeded shop).
    let currency = Currency::parse(query.currency.as_deref().unwrap_or("EUR"))
        .map_err(|e| ApiError::field("currency", e.to_string()))?;
    let bound = |field: &str, raw: &Option<String>| -> ApiResult<Option<i64>> {
        raw.as_deref()
            .map(|v| {
                let minor =
                    parse_minor(v, currency).map_err(|e| ApiError::field(field, e.to_string()))?;
                if minor < 0 {
                    return Err(ApiError::field(field, "a price bound cannot be negative"));
                }
                Ok(minor)
            })
            .transpose()
    };
    let price_min = bound("price_min", &query.price_min)?;
    let price_max = bound("price_max", &query.price_max)?;
    if let (Some(min), Some(max)) = (price_min, price_max)
        && min > max
    {
        return Err(ApiError::field("price_min", "price_min is above price_max"));
    }
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let text = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    let category = query
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if category.as_ref().is_some_and(|c| c.len() > 100) {
        return Err(ApiError::field("category", "unknown category"));
    }
    Ok(Search {
        text,
        category,
        price_currency: (price_min.is_some() || price_max.is_some())
            .then(|| currency.code().to_owned()),
        price_min,
        price_max,
        in_stock: query.in_stock.unwrap_or(false),
        sort: query.sort.unwrap_or_default(),
        limit,
        include_unpublished: admin && query.include_unpublished.unwrap_or(false),
    })
}

/// Runs a search on the readers.
pub async fn run_search(
    state: &AppState,
    query: ProductQuery,
    admin: bool,
) -> ApiResult<Page<Product>> {
    let s = to_search(&query, admin)?;
    let base = state.base_url.clone();
    state
        .db
        .read(move |conn| search::search_with_cursor(conn, &s, query.cursor.as_deref(), &base))
        .await
}

/// `GET /v1/products`.
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProductQuery>,
) -> ApiResult<Json<Page<Product>>> {
    run_search(&state, query, false).await.map(Json)
}

/// `GET /v1/products/{reference}`.
pub async fn get_product(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<String>,
) -> ApiResult<Json<Product>> {
    let base = state.base_url.clone();
    state
        .db
        .read(move |conn| crate::store::catalog::get(conn, &reference, false, &base))
        .await
        .map(Json)
}

/// `GET /v1/categories`.
pub async fn categories(State(state): State<AppState>) -> ApiResult<Json<Vec<Category>>> {
    state
        .db
        .read(crate::store::catalog::categories)
        .await
        .map(Json)
}
