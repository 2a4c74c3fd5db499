# Certificates and kubeconfigs of the cluster (openssl, EC P-256): one CA signs the API
# server's serving certificate and a client certificate per component. Sourced.

# issue NAME SUBJECT [SAN]: key + certificate signed by the cluster CA.
issue() {
  local name="$1" subject="$2" san="${3:-}"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$name.key" 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  local ext="$pki/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$san"; else echo "extendedKeyUsage=clientAuth"; fi
  } > "$ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$ext"
}

b64() { base64 -w0 < "$1"; }

# write_kubeconfig FILE CERT_NAME SERVER: a kubeconfig with the CA and client cert embedded.
write_kubeconfig() {
  local file="$1" cert="$2" server="$3"
  cat > "$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: tapio-local
    cluster:
      server: $server
      certificate-authority-data: $(b64 "$pki/ca.crt")
users:
  - name: $cert
    user:
      client-certificate-data: $(b64 "$pki/$cert.crt")
      client-key-data: $(b64 "$pki/$cert.key")
contexts:
  - name: tapio-local
    context: { cluster: tapio-local, user: $cert }
current-context: tapio-local
KUBECONFIG
  chmod 600 "$file"
}

make_pki() {
  mkdir -p "$pki"
  chmod 700 "$pki"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=tapio-local-ca" -days 30 -sha256 -out "$pki/ca.crt" 2>/dev/null
  issue apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN"
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  issue admin "/O=system:masters/CN=tapio-admin"
  issue controller-manager "/CN=system:kube-controller-manager"
  issue scheduler "/CN=system:kube-scheduler"
  issue kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
  issue kube-proxy "/CN=system:kube-proxy"
  # Service account tokens are signed with this key (ES256) and checked with its public half.
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/sa.key" 2>/dev/null
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  local server="https://$NODE_IP:$API_PORT"
  for who in admin controller-manager scheduler kubelet kube-proxy; do
    write_kubeconfig "$K8S_HOME/$who.kubeconfig" "$who" "$server"
  done
}
