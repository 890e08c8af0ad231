// fake-hydrovu: serves the canned data of AddCannedData on 127.0.0.1 for manual
// runs and end-to-end tests. Prints the port on the first line of stdout, then
// serves until SIGINT/SIGTERM or --lifetime-s seconds (default 3600) pass.
//
//   fake-hydrovu [--port-file FILE] [--client-id ID] [--client-secret SECRET]
//                [--page-size N] [--lifetime-s N]
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "fake_hydrovu.h"

namespace {

int Usage(const char* message) {
  std::cerr << "fake-hydrovu: " << message
            << "\nusage: fake-hydrovu [--port-file FILE] [--client-id ID] [--client-secret SECRET]"
               " [--page-size N] [--lifetime-s N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  pond::testing::FakeHydroVu::Options options;
  std::string port_file;
  long lifetime_s = 3600;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (i + 1 >= argc) return Usage(("missing value for " + arg).c_str());
      std::string value = argv[++i];
      if (arg == "--port-file") {
        port_file = value;
      } else if (arg == "--client-id") {
        options.client_id = value;
      } else if (arg == "--client-secret") {
        options.client_secret = value;
      } else if (arg == "--page-size") {
        options.data_page_timestamps = std::stoi(value);
      } else if (arg == "--lifetime-s") {
        lifetime_s = std::stol(value);
      } else {
        return Usage(("unknown option " + arg).c_str());
      }
    }
  } catch (const std::exception&) {
    return Usage("bad number");
  }

  // Block the stop signals before the server threads start, then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  pond::testing::FakeHydroVu fake(options);
  pond::testing::AddCannedData(fake);
  std::cout << fake.port() << std::endl;
  std::cerr << "fake-hydrovu: serving " << fake.base_url() << " (client id " << options.client_id
            << ")" << std::endl;
  if (!port_file.empty()) std::ofstream(port_file) << fake.port() << "\n";

  timespec timeout{lifetime_s, 0};
  sigtimedwait(&stop_signals, nullptr, &timeout);
  return 0;
}
