#[derive(azfn::Outputs)]
enum Routed {
    Audit(String),
}

fn main() {}
