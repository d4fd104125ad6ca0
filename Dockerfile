# Multi-stage build of a small, static atiende image. Generated templ code is
# committed, so no code generation runs here.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/atiende ./cmd/atiende

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/atiende /atiende
USER nonroot:nonroot
EXPOSE 8080
ENV ATIENDE_ADDR=:8080 ATIENDE_LOG_FORMAT=json
ENTRYPOINT ["/atiende"]
CMD ["serve"]
