use azfn::Out;

#[azfn::http_trigger]
async fn hello(#[azfn::http_output] response: &mut Out<String>) -> &'static str {
    response.set("hi".to_owned());
    "hi"
}

fn main() {}
