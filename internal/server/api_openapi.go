package server

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sort"
	"strings"

	"github.com/atiende/atiende/web/admin"
)

// apiSpecJSON is the API's OpenAPI 3.1 document. It is written by hand
// and kept honest by tests: every API route must be in it, and every
// response the tests receive must validate against it.
//
//go:embed api_openapi.json
var apiSpecJSON []byte

func (s *Server) apiSpec(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(apiSpecJSON)
}

// specDoc is the part of the document the reference page shows.
type specDoc struct {
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

type specOp struct {
	Summary    string `json:"summary"`
	ID         string `json:"operationId"`
	Scope      string `json:"x-scope"`
	Parameters []struct {
		Name        string `json:"name"`
		In          string `json:"in"`
		Description string `json:"description"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema struct {
				Ref string `json:"$ref"`
			} `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Description string `json:"description"`
		Ref         string `json:"$ref"`
	} `json:"responses"`
}

// apiDocOps lists the document's operations, by path then method.
func apiDocOps() ([]admin.APIDocOp, error) {
	var doc specDoc
	if err := json.Unmarshal(apiSpecJSON, &doc); err != nil {
		return nil, err
	}
	var out []admin.APIDocOp
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op specOp
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, err
			}
			d := admin.APIDocOp{ID: op.ID, Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Scope: op.Scope}
			for _, p := range op.Parameters {
				d.Params = append(d.Params, p.Name+" ("+p.In+"): "+p.Description)
			}
			if op.RequestBody != nil {
				// The JSON body names the schema; a multipart form of
				// the same operation carries it as its payload part.
				d.Body = strings.TrimPrefix(op.RequestBody.Content["application/json"].Schema.Ref, "#/components/schemas/")
				if _, ok := op.RequestBody.Content["multipart/form-data"]; ok {
					d.Body += " (or multipart/form-data: payload + files)"
				}
			}
			for code, res := range op.Responses {
				if code == "default" {
					d.Responses = append(d.Responses, "4xx/5xx: application/problem+json")
					continue
				}
				d.Responses = append(d.Responses, code+": "+res.Description)
			}
			sort.Strings(d.Responses)
			out = append(out, d)
		}
	}
	order := map[string]int{"GET": 0, "POST": 1, "PATCH": 2, "DELETE": 3}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return order[out[i].Method] < order[out[j].Method]
	})
	return out, nil
}

func (s *Server) apiDocs(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	ops, err := apiDocOps()
	if err != nil {
		return err
	}
	c := s.chrome(r, s.lang(r).T("api.docs.title"))
	vm := admin.APIDocsView{Chrome: c, Intro: s.lang(r).T("api.admin.intro"), BaseURL: s.cfg.BaseURL + tenantPath(t, "/api/v1"),
		SpecURL: tenantPath(t, "/api/v1/openapi.json"), Ops: ops}
	return s.render(w, r, http.StatusOK, admin.APIDocsPage(vm))
}
