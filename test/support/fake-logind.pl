#!/usr/bin/perl
# A stand-in for systemd-logind on a private bus, for tests: GetSessionByPID answers one
# session, and each line on stdin ("lock PATH") makes that session object send Lock.
use strict;
use warnings;
use Net::DBus;
use Net::DBus::Reactor;
use Net::DBus::Callback;

package FakeManager;
use base qw(Net::DBus::Object);
use Net::DBus::Exporter qw(org.freedesktop.login1.Manager);
dbus_method('GetSessionByPID', ['uint32'], ['objectpath']);
sub new { my ($class, $service, $session) = @_; my $self = $class->SUPER::new($service, '/org/freedesktop/login1'); $self->{session} = $session; bless $self, $class; }
sub GetSessionByPID { my ($self) = @_; return $self->{session}; }

package FakeSession;
use base qw(Net::DBus::Object);
use Net::DBus::Exporter qw(org.freedesktop.login1.Session);
dbus_signal('Lock', []);
sub new { my ($class, $service, $path) = @_; my $self = $class->SUPER::new($service, $path); bless $self, $class; }

package main;
my ($address, $session, @others) = @ARGV;
my $bus = Net::DBus->new($address);
my $service = $bus->export_service('org.freedesktop.login1');
FakeManager->new($service, $session);
my %sessions = map { $_ => FakeSession->new($service, $_) } ($session, @others);
$| = 1;
print "ready\n";
my $reactor = Net::DBus::Reactor->main();
$reactor->add_read(fileno(STDIN), Net::DBus::Callback->new(method => sub {
  my $line = <STDIN>;
  exit 0 unless defined $line;
  chomp $line;
  my ($verb, $path) = split / /, $line;
  $sessions{$path}->emit_signal('Lock') if $verb eq 'lock' && $sessions{$path};
}));
$reactor->run();
