//! Public catalog endpoints.

use axum::Json;
use axum::extract::State;
use museo_sdk::types::{
    Category, Currency, Page, Product, ProductQuery, ProductSearchPage, SortOrder, parse_minor,
};
use serde::Deserialize;

use super::{ApiPath, ApiQuery, AppState};
use crate::error::{ApiError, ApiResult};
use crate::store::search::{self, DEFAULT_LIMIT, MAX_LIMIT, Search};

/// The parameters of `GET /v1/products`: [`ProductQuery`]'s, plus `any_of`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    q: Option<String>,
    any_of: Option<String>,
    category: Option<String>,
    price_min: Option<String>,
    price_max: Option<String>,
    currency: Option<String>,
    in_stock: Option<bool>,
    sort: Option<SortOrder>,
    limit: Option<u32>,
    cursor: Option<String>,
    include_unpublished: Option<bool>,
}

impl CatalogQuery {
    fn split(self) -> (ProductQuery, Option<String>) {
        let query = ProductQuery {
            q: self.q,
            category: self.category,
            price_min: self.price_min,
            price_max: self.price_max,
            currency: self.currency,
            in_stock: self.in_stock,
            sort: self.sort,
            limit: self.limit,
            cursor: self.cursor,
            include_unpublished: self.include_unpublished,
        };
        (query, self.any_of)
    }
}

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
        any_of: None,
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

/// Runs a search on the readers; `any_of` holds words of which one must match.
pub async fn run_search(
    state: &AppState,
    query: ProductQuery,
    any_of: Option<String>,
    admin: bool,
) -> ApiResult<ProductSearchPage> {
    let mut s = to_search(&query, admin)?;
    s.any_of = any_of
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let base = state.base_url.clone();
    state
        .db
        .read(move |conn| search::search_with_cursor(conn, &s, query.cursor.as_deref(), &base))
        .await
}

/// `GET /v1/products`.
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> ApiResult<Json<ProductSearchPage>> {
    let (query, any_of) = query.split();
    run_search(&state, query, any_of, false).await.map(Json)
}

/// A search page without its explanation (the admin list's shape).
pub fn plain(page: ProductSearchPage) -> Page<Product> {
    Page {
        items: page.items,
        next_cursor: page.next_cursor,
    }
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
