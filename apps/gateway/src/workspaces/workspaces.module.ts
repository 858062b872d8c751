import { Module } from '@nestjs/common';
import { WorkspaceNamesReader } from './workspace-names.reader';
import { WorkspacesController } from './workspaces.controller';
import { WorkspacesService } from './workspaces.service';

/** The workspaces a caller may read, and the workspace-name projection the event queries use. */
@Module({
  controllers: [WorkspacesController],
  providers: [WorkspaceNamesReader, WorkspacesService],
  exports: [WorkspaceNamesReader],
})
export class WorkspacesModule {}
