// Command orders is the `order` function of examples/orders as a Go custom handler, written the
// way the Azure Functions custom-handler documentation writes its Go sample: the standard
// library's net/http and encoding/json, one handler per function, the port from
// FUNCTIONS_CUSTOMHANDLER_PORT.
//
// It does the baseline's work (benches/src/bin/baseline/handler.rs): parse the host's payload,
// take the posted order out of Data.req.Body, parse it, write it to the `message` output as
// compact JSON text, and answer the HTTP output `Order enqueued`, in the same response body.
// Like the baseline it knows its one function, so it decodes into typed structs. A payload
// without a valid order fails the invocation with a 400.
//
// The benchmark driver builds it with `go build` into target/azfn-bench/go/ and starts it as
// the host would.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

// order is an order as customers post it (the same type as in examples/orders).
type order struct {
	ID       uint64 `json:"id"`
	Quantity uint32 `json:"quantity"`
	Color    string `json:"color"`
}

// invokeRequest is the part of the host's payload (contract §2) this function reads.
type invokeRequest struct {
	Data struct {
		Req struct {
			// Absent when the request had none.
			Body *string `json:"Body"`
		} `json:"req"`
	} `json:"Data"`
}

// httpOutput is the HTTP output object (contract §3.4).
type httpOutput struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

type outputs struct {
	Res     httpOutput `json:"res"`
	Message string     `json:"message"`
}

// invokeResponse is the answer (contract §3): the outputs by binding name, no logs, no return
// value. Field order is azfn's, so every handler sends the same bytes.
type invokeResponse struct {
	Outputs     outputs     `json:"Outputs"`
	Logs        []string    `json:"Logs"`
	ReturnValue interface{} `json:"ReturnValue"`
}

// readyHandler answers the host's readiness probe, GET /.
func readyHandler(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// orderHandler is POST /order: one invocation of `order` in payload mode.
func orderHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "reading the payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	var request invokeRequest
	if err := json.Unmarshal(payload, &request); err != nil {
		http.Error(w, "bad payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	if request.Data.Req.Body == nil {
		http.Error(w, "the request has no body", http.StatusBadRequest)
		return
	}
	var o order
	if err := json.Unmarshal([]byte(*request.Data.Req.Body), &o); err != nil {
		http.Error(w, "bad order: "+err.Error(), http.StatusBadRequest)
		return
	}
	message, err := json.Marshal(o)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	response, err := json.Marshal(invokeResponse{
		Outputs: outputs{
			Res: httpOutput{
				StatusCode: http.StatusOK,
				Headers:    map[string]string{"content-type": "text/plain; charset=utf-8"},
				Body:       "Order enqueued",
			},
			Message: string(message),
		},
		Logs: []string{},
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(response)
}

func main() {
	port, err := strconv.ParseUint(os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"), 10, 16)
	if err != nil || port == 0 {
		fmt.Fprintln(os.Stderr, "error: FUNCTIONS_CUSTOMHANDLER_PORT is missing or not a port number")
		// Never 0: the host does not restart a handler that exits with 0.
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/order", orderHandler)
	mux.HandleFunc("/", readyHandler)
	// The host always connects to 127.0.0.1.
	address := fmt.Sprintf("127.0.0.1:%d", port)
	if err := http.ListenAndServe(address, mux); err != nil {
		fmt.Fprintf(os.Stderr, "error: cannot listen on %s: %v\n", address, err)
		os.Exit(1)
	}
}
