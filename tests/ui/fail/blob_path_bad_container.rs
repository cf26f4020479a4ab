// The container of a blob path is checked as Storage names containers, in every blob binding;
// a container given by an expression or an app setting is left to run time.
#[azfn::blob_trigger(path = "Uploads_Raw/{name}")]
async fn resize(
    #[azfn::blob_input(path = "ab/{name}")] original: Option<Vec<u8>>,
    #[azfn::blob_output(path = "%THUMBNAILS%/{name}")] thumbnail: &mut azfn::Out<Vec<u8>>,
    image: Vec<u8>,
) {
    let _ = (original, thumbnail, image);
}

fn main() {}
