# Builds the sweep binary and ships it with the example specs and data.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/sweep ./cmd/sweep

FROM debian:bookworm-slim
COPY --from=build /out/sweep /usr/local/bin/sweep
COPY experiments /experiments
WORKDIR /work
ENTRYPOINT ["sweep"]
CMD ["--help"]
