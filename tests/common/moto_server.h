// moto_server (Python, from scripts/bootstrap.sh) as a test peer for every AWS API Sluice
// speaks (S3, EMR, IAM): started on a free loopback port, by default with its IAM SigV4 checks
// on and an access key of its own. A missing moto_server is a failure, never a silent skip.
#pragma once

#include <string>

#include "common/status.h"
#include "loopback.h"
#include "peer_process.h"
#include "storage/http_client.h"
#include "storage/sigv4.h"

namespace sluice::testing {

// The text of the first <tag>...</tag>.
inline std::string XmlValueOf(const std::string& xml, const std::string& tag) {
  size_t start = xml.find("<" + tag + ">");
  size_t end = xml.find("</" + tag + ">");
  if (start == std::string::npos || end == std::string::npos) return "";
  start += tag.size() + 2;
  return xml.substr(start, end - start);
}

// moto_server, by default with IAM checks on: every request must be signed by a key moto
// issued. Without them (with_auth false) any key is accepted: moto's own signature check reads
// '/' in query values differently from AWS, so listings by folder prefix need it off.
class MotoServer {
 public:
  Status Start(bool with_auth = true) {
    std::string binary = FindProgram("moto_server", SLUICE_SOURCE_DIR "/tools/py/bin/moto_server");
    if (binary.empty()) {
      return Status::NotFound(
          "moto_server is not on PATH nor in tools/py/bin: run scripts/bootstrap.sh, which "
          "installs moto[server]");
    }
    port_ = FreePort();
    RETURN_NOT_OK(
        process_.Spawn({binary, "-H", "127.0.0.1", "-p", std::to_string(port_)}, "sluice-moto"));
    RETURN_NOT_OK(process_.WaitUntilServing(Endpoint() + "/moto-api/", "moto_server"));
    if (!with_auth) {
      credentials_ = {"AKIDMOTONOAUTH", "moto-accepts-any-secret", ""};
      return Status::OK();
    }
    ASSIGN_OR_RETURN(credentials_, MakeUserAndEnableAuth());
    return Status::OK();
  }
  void Stop() { process_.Stop(); }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const storage::Credentials& credentials() const { return credentials_; }
  // A SLUICE_CONN_AWS_DEFAULT value pointing at this server.
  std::string ConnectionJson() const {
    return R"({"endpoint_url": ")" + Endpoint() +
           R"(", "region": "us-east-1", "access_key_id": ")" + credentials_.access_key_id +
           R"(", "secret_access_key": ")" + credentials_.secret_access_key + R"("})";
  }
  std::string Log() const { return process_.Log(); }

 private:
  // A signed IAM query-API call, as awscli would make it, while auth is still off.
  Result<std::string> IamCall(const std::string& form) {
    storage::SigV4Request request;
    request.method = "POST";
    request.headers = {{"Host", "127.0.0.1:" + std::to_string(port_)},
                       {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    request.payload_sha256 = storage::Sha256Hex(form);
    storage::Credentials bootstrap{"AKIAIOSFODNN7EXAMPLE", "bootstrap-secret", ""};
    ASSIGN_OR_RETURN(auto signature,
                     storage::SignV4(request, bootstrap, {"us-east-1", "iam", Now()}));
    storage::HttpRequest http;
    http.method = "POST";
    http.url = Endpoint() + "/";
    http.headers = request.headers;
    http.headers.insert(http.headers.end(), signature.headers.begin(), signature.headers.end());
    http.body = form;
    ASSIGN_OR_RETURN(storage::HttpResponse response, storage::HttpClient().Send(http));
    if (response.status != 200) {
      return Status::IoError("IAM " + form + ": HTTP " + std::to_string(response.status) + ": " +
                             response.body);
    }
    return response.body;
  }

  Result<storage::Credentials> MakeUserAndEnableAuth() {
    const std::string version = "&Version=2010-05-08";
    RETURN_NOT_OK(IamCall("Action=CreateUser&UserName=sluice-test" + version).status());
    std::string policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
    RETURN_NOT_OK(
        IamCall("Action=PutUserPolicy&UserName=sluice-test&PolicyName=all&PolicyDocument=" +
                storage::UriEncode(policy, true) + version)
            .status());
    ASSIGN_OR_RETURN(std::string key,
                     IamCall("Action=CreateAccessKey&UserName=sluice-test" + version));
    storage::Credentials credentials{XmlValueOf(key, "AccessKeyId"),
                                     XmlValueOf(key, "SecretAccessKey"), ""};
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return Status::IoError("CreateAccessKey gave no key: " + key);
    }
    storage::HttpRequest reset;
    reset.method = "POST";
    reset.url = Endpoint() + "/moto-api/reset-auth";
    reset.body = "0";  // from now on every request is authenticated
    ASSIGN_OR_RETURN(storage::HttpResponse answer, storage::HttpClient().Send(reset));
    if (answer.status != 200) return Status::IoError("reset-auth: " + answer.body);
    return credentials;
  }

  ServerProcess process_;
  int port_ = 0;
  storage::Credentials credentials_;
};

}  // namespace sluice::testing
