//! azfn beyond the basics: a product catalogue with extractors, shared state, typed trigger
//! metadata, several outputs per function, and tests written with `azfn::testing`.
//!
//! Run its tests with `cargo test -p showcase`; build the app folder with
//! `cargo run -p cargo-azfn -- azfn build --manifest-path examples/showcase/Cargo.toml`.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use azfn::http::{HeaderMap, Json, Path, Query, StatusCode};
use azfn::trigger::QueueMetadata;
use azfn::{
    App, Context, Metadata, Out, State, TimerInfo, blob_output, http_trigger, queue_output,
    queue_trigger, timer_trigger,
};
use serde::{Deserialize, Serialize};

/// A product in the catalogue.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
struct Product {
    id: u32,
    name: String,
    stock: u32,
}

/// The catalogue every function shares: built once in `main`, cloned cheaply per invocation.
#[derive(Clone, Default)]
struct Catalogue(Arc<RwLock<BTreeMap<u32, Product>>>);

impl Catalogue {
    fn get(&self, id: u32) -> Option<Product> {
        self.0.read().unwrap().get(&id).cloned()
    }

    fn put(&self, product: Product) {
        self.0.write().unwrap().insert(product.id, product);
    }
}

#[derive(Deserialize)]
struct View {
    #[serde(default)]
    verbose: bool,
}

/// `GET /api/products/{id}`: the product, or 404.
#[http_trigger(methods = ["get"], auth_level = "anonymous", route = "products/{id:int}")]
async fn get_product(
    Path(id): Path<u32>,
    Query(view): Query<View>,
    headers: HeaderMap,
    State(catalogue): State<Catalogue>,
) -> Result<Json<serde_json::Value>, (StatusCode, String)> {
    let product = catalogue
        .get(id)
        .ok_or((StatusCode::NOT_FOUND, format!("no product {id}")))?;
    let mut body = serde_json::to_value(&product).expect("a product serializes");
    if view.verbose {
        let agent = headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("unknown");
        body["requested_by"] = agent.into();
    }
    Ok(Json(body))
}

/// `POST /api/products`: adds a product, audits it, and asks for stock when it has none.
#[http_trigger(methods = ["post"], route = "products")]
async fn add_product(
    ctx: Context,
    State(catalogue): State<Catalogue>,
    Json(product): Json<Product>,
    #[queue_output(queue_name = "audit-log")] audit: &mut Out<String>,
    #[queue_output(queue_name = "restock")] restock: &mut Out<azfn::Json<Product>>,
) -> (StatusCode, Json<Product>) {
    audit.set(format!(
        "product {} added by invocation {}",
        product.id,
        ctx.invocation_id().unwrap_or("-")
    ));
    if product.stock == 0 {
        restock.set(azfn::Json(product.clone()));
    }
    catalogue.put(product.clone());
    (StatusCode::CREATED, Json(product))
}

/// Restocks a product: one supplier order per 10 units. Fails (so the host retries the message,
/// and poisons it after 5 tries) when the product is unknown.
#[queue_trigger(queue_name = "restock")]
async fn restock(
    Metadata(meta): Metadata<QueueMetadata>,
    State(catalogue): State<Catalogue>,
    wanted: azfn::Json<Product>,
    #[queue_output(queue_name = "supplier-orders")] orders: &mut Out<Vec<String>>,
) -> anyhow::Result<()> {
    let wanted = wanted.0;
    tracing::info!(
        try_number = meta.dequeue_count,
        "restocking {}",
        wanted.name
    );
    let Some(mut product) = catalogue.get(wanted.id) else {
        anyhow::bail!("product {} is not in the catalogue", wanted.id);
    };
    let batches: Vec<String> = (0..3)
        .map(|batch| format!("order 10 of {} (batch {batch})", product.name))
        .collect();
    orders.set(batches);
    product.stock += 30;
    catalogue.put(product);
    Ok(())
}

/// Writes a stock report to a blob every night at 02:00.
#[timer_trigger(schedule = "0 0 2 * * *")]
#[blob_output(path = "reports/stock-{DateTime}.json")]
async fn nightly_report(
    timer: TimerInfo,
    State(catalogue): State<Catalogue>,
) -> azfn::Json<serde_json::Value> {
    if timer.is_past_due {
        tracing::warn!("the nightly report runs late");
    }
    let products: Vec<Product> = catalogue.0.read().unwrap().values().cloned().collect();
    azfn::Json(serde_json::json!({ "products": products, "late": timer.is_past_due }))
}

fn app(catalogue: Catalogue) -> App {
    App::new()
        .state(catalogue)
        .layer(tower::limit::ConcurrencyLimitLayer::new(256))
}

fn main() {
    let catalogue = Catalogue::default();
    catalogue.put(Product {
        id: 1,
        name: "kettle".into(),
        stock: 12,
    });
    app(catalogue).run();
}

#[cfg(test)]
mod tests {
    use super::*;
    use azfn::testing::{TestClient, TestError};

    fn client() -> (TestClient, Catalogue) {
        let catalogue = Catalogue::default();
        catalogue.put(Product {
            id: 1,
            name: "kettle".into(),
            stock: 12,
        });
        let client = TestClient::from_app(app(catalogue.clone())).unwrap();
        (client, catalogue)
    }

    #[tokio::test]
    async fn a_product_is_found_by_id_and_a_missing_one_is_404() {
        let (client, _) = client();
        let response = client
            .http("get_product")
            .get("/api/products/1?verbose=true")
            .header("User-Agent", "tests")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().unwrap();
        assert_eq!(body["name"], "kettle");
        assert_eq!(body["requested_by"], "tests");

        let response = client
            .http("get_product")
            .get("/api/products/7")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(response.text(), "no product 7");
    }

    #[tokio::test]
    async fn adding_a_product_audits_it_and_asks_for_stock_when_it_has_none() {
        let (client, catalogue) = client();
        let response = client
            .http("add_product")
            .post("/api/products")
            .json(&Product {
                id: 2,
                name: "teapot".into(),
                stock: 0,
            })
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert!(
            response
                .output("audit")
                .unwrap()
                .text()
                .starts_with("product 2 added by invocation ")
        );
        let wanted: Product = response.output("restock").unwrap().json().unwrap();
        assert_eq!(wanted.name, "teapot");
        assert_eq!(catalogue.get(2).unwrap().stock, 0);

        let response = client
            .http("add_product")
            .post("/api/products")
            .json(&Product {
                id: 3,
                name: "cup".into(),
                stock: 5,
            })
            .send()
            .await
            .unwrap();
        assert!(
            response.output("restock").is_none(),
            "stocked products need no restock"
        );
    }

    #[tokio::test]
    async fn restocking_orders_three_batches_and_logs_the_try() {
        let (client, catalogue) = client();
        let message = serde_json::json!({"id": 1, "name": "kettle", "stock": 0}).to_string();
        let result = client
            .queue("restock", message)
            .metadata("DequeueCount", serde_json::json!("2"))
            .invocation_id("inv-7")
            .send()
            .await
            .unwrap();
        assert_eq!(
            result.output("orders").unwrap().items(),
            [
                "order 10 of kettle (batch 0)",
                "order 10 of kettle (batch 1)",
                "order 10 of kettle (batch 2)"
            ]
        );
        assert_eq!(catalogue.get(1).unwrap().stock, 42);
        assert_eq!(
            result.logs(),
            ["INFO [inv-7] restocking kettle try_number=2"]
        );
    }

    #[tokio::test]
    async fn restocking_an_unknown_product_fails_so_the_host_retries_it() {
        let (client, _) = client();
        let message = serde_json::json!({"id": 99, "name": "ghost", "stock": 0}).to_string();
        match client.queue("restock", message).send().await {
            Err(TestError::Failed { status, message }) => {
                assert_eq!(status, 500);
                assert!(
                    message.contains("product 99 is not in the catalogue"),
                    "{message}"
                );
            }
            other => panic!("expected a failed invocation, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_nightly_report_lists_the_catalogue() {
        let (client, _) = client();
        let result = client.timer("nightly_report").send().await.unwrap();
        let report: serde_json::Value = result.return_value().unwrap().json().unwrap();
        assert_eq!(report["products"][0]["name"], "kettle");
        assert_eq!(report["late"], false);
    }
}
